/* json_in.h - the one way the core reads a JSON document it is given (a file, a request body, a
 * JSON-lines record): so the CLI, the WASM API and the edge worker refuse the same documents. */
#ifndef FW_JSON_IN_H
#define FW_JSON_IN_H

#include <cjson/cJSON.h>

#include "internal.h"

/* Parse json[0..len) as the document called `what` (for messages, e.g. "ApplicationIR").
 * Refused, with a status and a message naming the place: invalid UTF-8 (FW_ERR_UTF8), invalid
 * JSON (near which byte), a NUL character (\u0000, which the core's C strings would silently
 * cut), and an object with a key twice (readers disagree on which one counts: cJSON takes the
 * first, JavaScript the last). *out is the tree, or NULL on error. */
fw_status fw__json_parse_input(const char *json, size_t len, const char *what, cJSON **out, fw_error *err);

#endif
