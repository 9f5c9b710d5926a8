# Script mode: write INPUT as `const unsigned char SYMBOL[]` plus `SYMBOL_len` into OUTPUT.
# A JSON input loses its line breaks and indentation first (JSON strings hold no raw newline, so
# this changes no value): the WASM module carries the pack without its pretty-printing.
file(READ ${INPUT} text)
if(INPUT MATCHES "\\.json$")
  string(REGEX REPLACE "\n[ \t]*" "" text "${text}")
endif()
get_filename_component(dir ${OUTPUT} DIRECTORY)
file(MAKE_DIRECTORY ${dir})
file(WRITE ${OUTPUT}.min "${text}")
file(READ ${OUTPUT}.min hex HEX)
file(REMOVE ${OUTPUT}.min)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE ${OUTPUT} "/* Generated from ${INPUT}; do not edit. */\n#include <stddef.h>\n"
  "extern const unsigned char ${SYMBOL}[];\nextern const size_t ${SYMBOL}_len;\n"
  "const unsigned char ${SYMBOL}[] = {\n${bytes}0x00};\nconst size_t ${SYMBOL}_len = ${size};\n")
