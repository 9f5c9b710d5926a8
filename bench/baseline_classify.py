#!/usr/bin/env python3
"""Baseline for the classifier benchmark: the forewarn classification pipeline written the way a
Python service would write it, with the standard library only (re, json).

It is a port of core/src (text.c, traceback.c, rules.c, classify.c, normalize.c, ir_map.c without
an IR, antipattern.c, classify_json.c) driven by the same rule pack (core/rules/default.json):

  JSON line in -> prepare the text (render a JSON body, decode escaped newlines, strip the pack's
  log_prefixes) -> find exception lines and their message blocks -> try the pack's rules per block
  (outermost first, an inner block wins only with a better rule) then on the whole text -> named
  groups as context -> finish the context (loc, field, SQL table) -> hints -> message template and
  error_message_pattern -> pattern_id (FNV-1a 64) and anti_pattern snippets -> JSON line out.

PCRE2 syntax is translated to Python `re` once at load time (see pcre_to_python): `(?<name>` becomes
`(?P<name>`, duplicate names (PCRE2_DUPNAMES) are renamed name__2, name__3... and merged by taking
the first one that matched, branch resets become non-capturing groups (only named groups are read),
(*MARK) verbs are dropped or, in the normaliser, replaced by one named group per alternative.
Patterns are compiled with re.ASCII: the core compiles with PCRE2_UTF but without PCRE2_UCP, so
\\w, \\d, \\s and \\b are ASCII there too.

Differences from the C core that do not change the work done: sizes the core caps in bytes
(message 2048, block 8192, template 600) are capped in characters here, there are no PCRE2 match
limits, and records the C parser would reject for exotic reasons (lone surrogates, trailing bytes
after the JSON object) are accepted.

Usage:
  python3 bench/baseline_classify.py [--rules PACK.json] [--compare NATIVE.jsonl] [FILE|-]
writes one JSON line per input record to stdout. With --compare, the native output for the same
input is read afterwards and the agreement (category, and a few other fields) is printed to stderr.
"""

import json
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PACK = os.path.join(HERE, "..", "core", "rules", "default.json")

CONTEXT_KEYS = ("table", "column", "constraint", "field", "loc", "module", "name", "attribute",
                "object_type", "value")
HINT_NAMES = ("model", "method", "path", "status", "length")  # the core validates group names

CLASS_MAX = 159          # FW_CLASS_MAX - 1
MAX_EXCEPTIONS = 32
BLOCK_MAX_LINES = 40
BLOCK_MAX = 8192
MESSAGE_MAX = 2048
TEMPLATE_MAX_LINES = 4
TEMPLATE_MAX = 600
DEFAULT_MAX_INPUT = 4 * 1024 * 1024
SIGNATURE_VERSION = 1
FNV_SEED = 0xcbf29ce484222325
FNV_PRIME = 0x100000001b3
MASK64 = (1 << 64) - 1
SP = " \t\n\r"

# ---------------------------------------------------------------------------------------------
# PCRE2 -> Python re


class Unsupported(ValueError):
    pass


_MARK = re.compile(r"\(\*(?:MARK)?:([^)]*)\)")


def pcre_to_python(src, marks=None):
    """Translate one PCRE2 pattern to Python `re` syntax. Returns (pattern, groups) where groups
    maps each PCRE group name to its Python names in pattern order. (*MARK:x) verbs are dropped,
    or, when a `marks` list is given, become empty groups named __markN with marks[N] = x: the
    group of the last mark passed is then the match's lastgroup."""
    out = []
    groups = {}
    i, n = 0, len(src)
    in_class = False

    def named(name):
        names = groups.setdefault(name, [])
        py = name if not names else "%s__%d" % (name, len(names) + 1)
        names.append(py)
        return "(?P<%s>" % py

    while i < n:
        c = src[i]
        if c == "\\":
            nxt = src[i + 1:i + 2]
            if nxt == "x" and src[i + 2:i + 3] == "{":
                j = src.index("}", i)
                out.append("\\U%08x" % int(src[i + 3:j], 16))
                i = j + 1
                continue
            if not in_class:
                if nxt == "Z":
                    out.append(r"(?=\n?\Z)")
                    i += 2
                    continue
                if nxt == "z":
                    out.append(r"\Z")
                    i += 2
                    continue
                if nxt == "k" and src[i + 2:i + 3] in ("<", "{", "'"):
                    close = {"<": ">", "{": "}", "'": "'"}[src[i + 2]]
                    j = src.index(close, i + 3)
                    out.append("(?P=%s)" % src[i + 3:j])
                    i = j + 1
                    continue
            if nxt == "h":
                out.append("[ \\t]" if not in_class else " \\t")
                i += 2
                continue
            if nxt == "e":
                out.append("\\x1b")
                i += 2
                continue
            if nxt in ("K", "Q", "E", "X", "C", "G", "R", "H", "V", "v", "N", "p", "P"):
                raise Unsupported("\\%s has no Python re equivalent here" % nxt)
            out.append(src[i:i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            elif c == "[" and src[i + 1:i + 2] == ":":
                raise Unsupported("POSIX classes [:name:] are not supported")
            elif c == "[" or src.startswith(("&&", "||", "~~", "--"), i):
                out.append("\\")  # literal in PCRE, a set operation (warning) in Python
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            if src[i:i + 1] == "^":
                out.append("^")
                i += 1
            if src[i:i + 1] == "]":
                out.append("\\]")
                i += 1
            continue
        if src.startswith("(?<", i) and i + 3 < n and (src[i + 3].isalpha() or src[i + 3] == "_"):
            j = src.index(">", i)
            out.append(named(src[i + 3:j]))
            i = j + 1
            continue
        if src.startswith("(?P<", i) or src.startswith("(?'", i):
            start = i + (4 if src[i + 2] == "P" else 3)
            j = src.index(">" if src[i + 2] == "P" else "'", start)
            out.append(named(src[start:j]))
            i = j + 1
            continue
        if src.startswith("(?|", i):
            out.append("(?:")  # branch reset: only named groups are read, and they merge by name
            i += 3
            continue
        if src.startswith("(*", i):
            m = _MARK.match(src, i)
            if m:
                if marks is not None:
                    out.append("(?P<__mark%d>)" % len(marks))
                    marks.append(m.group(1))
                i = m.end()
                continue
            if src.startswith("(*UTF)", i):  # the core compiles with PCRE2_UTF anyway
                i += 6
                continue
            if src.startswith(("(*FAIL)", "(*F)"), i):
                out.append("(?!)")
                i = src.index(")", i) + 1
                continue
            raise Unsupported("verb %s" % src[i:src.index(")", i) + 1])
        if c == "(" and src.startswith("(?", i) and i > 0:
            m = re.match(r"\(\?[imsx-]+\)", src[i:])
            if m and "".join(out).strip("()?imsx-"):
                raise Unsupported("inline flags after the pattern start")
        out.append(c)
        i += 1
    return "".join(out), groups


def compile_pcre(src, what):
    py, groups = pcre_to_python(src)
    try:
        rx = re.compile(py, re.ASCII)
    except re.error as e:
        raise ValueError("%s: %s (python: %s)" % (what, e, py))
    return rx, groups


def group_of(m, groups, name):
    """First set group among the Python names of `name` (PCRE2_DUPNAMES semantics)."""
    for py in groups.get(name, ()):
        v = m.group(py)
        if v is not None:
            return v
    return None


# ---------------------------------------------------------------------------------------------
# the traceback parser's and normaliser's own patterns (rules.c)
#
# They are read from core/src/classify/rules.c at start-up so the baseline follows the core when its masks
# change; the copies below are used when the source is not there. Both are PCRE2 branch resets,
# translated by translate_branch_reset.

EXCEPTION_LINE_PCRE = (
    "(?m)(?|^[ \\t]*\\(((?:[A-Za-z_]\\w*\\.)+[A-Za-z_]\\w*)\\)()[ \\t]+([^\\n]*)"
    "|(?<![\\w.\\-])([A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)*)(?:[ \\t]*\\[([A-Za-z_][\\w.]*)\\])?:"
    "(?![:/\\\\\\w])[ \\t]*([^\\n]*)|(?<![\\w.\\-])([A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)*)"
    "(?:[ \\t]*\\[([A-Za-z_][\\w.]*)\\])?:(?=[A-Za-z])([^\\n]*))")

NORMALIZER_PCRE = (
    "(?|[\\w.+-]+@[\\w-]+\\.[\\w.-]+(*MARK:email)"
    "|\\b[a-z][a-z0-9+.-]*://[^\\s'\"<>)]*[^\\s'\"<>),.;:](*MARK:url)"
    "|\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b(*MARK:uuid)"
    "|\\b\\d{4}-\\d\\d-\\d\\d(?:[T ]\\d\\d:\\d\\d(?::\\d\\d(?:[.,]\\d+)?)?(?:Z|[+-]\\d\\d:?\\d\\d)?)?\\b(*MARK:date)"
    "|\\b\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?\\b(*MARK:time)"
    "|\\b\\d{1,3}(?:\\.\\d{1,3}){3}\\b(*MARK:ip)"
    "|\\b0x[0-9a-fA-F]+\\b(*MARK:hex)"
    "|\\b[0-9a-fA-F]{12,}\\b(*MARK:hex)"
    "|(?:[A-Za-z]:)?(?:[\\\\/][\\w.@-]+){2,}[\\\\/]?(*MARK:path)"
    "|(?<!\\w)'(?:[^'\"\\\\\\n]|\\\\.)*'(*MARK:str)"
    "|(?<!\\w)\"(?:[^\"'\\\\\\n]|\\\\.)*\"(*MARK:str)"
    "|`[^`\\n]*`(*MARK:str)"
    "|(?<![\\w.])-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?(?![\\w])(*MARK:num))")

_C_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_C_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "?": "?"}


def c_string_constant(source, name):
    """The value of `... name = "..." "...";` in C source (adjacent literals, comments between)."""
    m = re.search(r'\b%s\s*=\s*((?:\s|/\*.*?\*/|"(?:[^"\\\n]|\\.)*")+);' % re.escape(name),
                  source, re.S)
    if not m:
        return None
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    return "".join(re.sub(r"\\(.)", lambda e: _C_ESCAPES.get(e.group(1), e.group(1)), lit)
                   for lit in _C_STRING.findall(body))


def split_alternatives(src):
    """Top-level alternatives of a pattern (escapes, classes and groups respected)."""
    alts, depth, in_class, start, i = [], 0, False, 0, 0
    while i < len(src):
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if src[i + 1:i + 2] == "^":
                i += 1
            if src[i + 1:i + 2] == "]":
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            alts.append(src[start:i])
            start = i + 1
        i += 1
    alts.append(src[start:])
    return alts


def translate_branch_reset(src):
    """`FLAGS(?|A|B|...)` -> a Python pattern with each alternative in a group of its own, and for
    each alternative the number of its first inner group: a branch reset numbers every
    alternative's groups from the same number, which Python cannot, so the caller finds the
    alternative that matched (the wrapper group that closed last, m.lastindex) and reads its groups
    from there. (*MARK) names become groups too (see pcre_to_python)."""
    m = re.match(r"((?:\(\?[a-z]+\))*)\(\?\|(.*)\)$", src, re.S)
    if not m:
        raise Unsupported("not a branch reset")
    parts, first_inner, marks, base = [], {}, [], 0
    for alt in split_alternatives(m.group(2)):
        py, _ = pcre_to_python(alt, marks)
        parts.append("(%s)" % py)
        first_inner[base + 1] = base + 2
        base += 1 + re.compile(py).groups
    return m.group(1) + "|".join(parts), first_inner, marks


def translate_marks(src):
    """A pattern whose (*MARK) names are read back: the marks as named empty groups, branch resets
    as plain groups (no numbered group is read). Returns (regex, {group name: mark})."""
    marks = []
    py, _ = pcre_to_python(src, marks)
    return re.compile(py, re.ASCII), {"__mark%d" % k: name for k, name in enumerate(marks)}


def load_core_patterns():
    source = ""
    try:
        with open(os.path.join(HERE, "..", "core", "src", "classify", "rules.c"), encoding="utf-8") as f:
            source = f.read()
    except OSError:
        pass
    exc = c_string_constant(source, "exception_line_pattern") or EXCEPTION_LINE_PCRE
    norm = c_string_constant(source, "fw__normalizer_pattern") or NORMALIZER_PCRE
    exc_py, exc_first, _ = translate_branch_reset(exc)
    return (re.compile(exc_py, re.ASCII), exc_first) + translate_marks(norm)


EXCEPTION_LINE, EXCEPTION_ALT_BY_GROUP, NORMALIZER, MARK_OF = load_core_patterns()


def mark_of(m):
    """The (*MARK) name of a normaliser match: the last mark group passed."""
    name = m.lastgroup
    if name in MARK_OF:
        return MARK_OF[name]
    last = None
    for g, mark in MARK_OF.items():  # a capturing group closed after the mark
        if m.start(g) >= 0 and (last is None or m.start(g) >= last[0]):
            last = (m.start(g), mark)
    return last[1] if last else "var"

PLACEHOLDER_REGEX = {
    "num": r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?",
    "str": "(?:'(?:[^'\"\\\\\\n]|\\\\.)*'|\"(?:[^\"'\\\\\\n]|\\\\.)*\"|`[^`\\n]*`)",
    "uuid": r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}",
    "hex": r"(?:0x)?[0-9a-fA-F]+",
    "date": r"\d{4}-\d\d-\d\d(?:[T ][\d:.,]+(?:Z|[+-]\d\d:?\d\d)?)?",
    "ip": r"\d{1,3}(?:\.\d{1,3}){3}",
    "time": r"\d\d:\d\d:\d\d(?:[.,]\d+)?",
}
REGEX_ESCAPE = str.maketrans({c: "\\" + c for c in "\\^$.|?*+()[]{}/"})
WS_SPLIT = re.compile(r"([ \t\n\r]+)")
UNESCAPE = re.compile(r'\\([ntr"\\])')
UNESCAPE_MAP = {"n": "\n", "t": "\t", "r": "", '"': '"', "\\": "\\"}
SURROGATE = re.compile("[\ud800-\udfff]")
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

BLOCK_STOPS = ('File "', "at ", "Traceback (most recent call last)",
               "During handling of the above exception",
               "The above exception was the direct cause", "[SQL:", "[parameters:",
               "(Background on this error", "^^^^", "~~~~")

PY_TYPES = {"string": "str", "text": "str", "email": "str", "url": "str", "enum": "str",
            "integer": "int", "int": "int", "bigint": "int", "float": "float", "number": "float",
            "decimal": "Decimal", "boolean": "bool", "bool": "bool", "datetime": "datetime",
            "date": "date", "time": "time", "uuid": "UUID", "json": "dict"}
RELATIONAL = ("nullable", "unique", "foreign_key", "check", "max_length")


# ---------------------------------------------------------------------------------------------
# rule pack

class Rule:
    __slots__ = ("id", "category", "message", "mgroups", "exception", "scope", "requires")


class Pack:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        self.categories = doc.get("categories", {})
        self.rules = []
        for r in doc["rules"]:
            rule = Rule()
            rule.id = r["id"]
            rule.category = r["category"]
            if rule.category not in self.categories:
                raise ValueError("rule %s: unknown category %s" % (rule.id, rule.category))
            rule.scope = r.get("scope", "any")
            req = r.get("requires") or ()
            rule.requires = (req,) if isinstance(req, str) else tuple(req)  # literal prefilter
            rule.message, rule.mgroups = (compile_pcre(r["message"], rule.id)
                                          if "message" in r else (None, {}))
            rule.exception = compile_pcre(r["exception"], rule.id)[0] if "exception" in r else None
            self.rules.append(rule)
        prefixes = doc.get("log_prefixes") or []
        self.log_prefix = (compile_pcre("(?m)^(?:" + "|".join("(?:%s)" % p for p in prefixes) + ")",
                                        "log_prefixes")[0] if prefixes else None)
        sql = doc.get("sql_table") or []
        self.sql_table = [compile_pcre(x, "sql_table") for x in ([sql] if isinstance(sql, str) else sql)]
        self.hints = [compile_pcre(h, "hints") for h in doc.get("hints", [])]


# ---------------------------------------------------------------------------------------------
# stage 1: text preparation (text.c)

_decoder = json.JSONDecoder()


def json_number(v):
    """A number as cJSON_PrintUnformatted prints it."""
    if isinstance(v, int):
        return str(v)
    if v == int(v) and abs(v) < 2 ** 31:
        return str(int(v))
    s = "%1.15g" % v
    return s if float(s) == v else "%1.17g" % v


def render_loc(out, loc):
    if isinstance(loc, str):
        out.append(loc)
        return
    parts = loc.values() if isinstance(loc, dict) else loc if isinstance(loc, list) else ()
    first = True
    for part in parts:
        if not first:
            out.append(".")
        first = False
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, (int, float)) and not isinstance(part, bool):
            out.append(str(int(part)))


def render_validation_item(out, item):
    msg = item.get("msg")
    if not isinstance(msg, str):
        return
    loc = item.get("loc")
    if "loc" in item:
        render_loc(out, loc)
    out.append("\n  ")
    out.append(msg)
    t = item.get("type")
    t = t if isinstance(t, str) else ""
    if "." in t:
        out.append(" (type=%s)\n" % t)
        return
    out.append(" [type=%s" % t)
    inp = item.get("input")
    if isinstance(inp, bool):
        out.append(", input_value=True" if inp else ", input_value=False")
    elif isinstance(inp, str):
        out.append(", input_value='%s'" % inp)
    elif isinstance(inp, (int, float)):
        out.append(", input_value=%s" % json_number(inp))
    out.append("]\n")


def render_json(out, doc, depth):
    if depth > 4:
        return
    if isinstance(doc, str):
        out.append(doc)
        out.append("\n")
        return
    if isinstance(doc, list):
        for item in doc:
            if isinstance(item, dict) and "msg" in item:
                render_validation_item(out, item)
            else:
                render_json(out, item, depth + 1)
        return
    if not isinstance(doc, dict):
        return
    detail = doc.get("detail")
    if isinstance(detail, list):
        render_json(out, detail, depth + 1)
    name = doc.get("name")
    name = name if isinstance(name, str) else None
    message = doc.get("message")
    if not isinstance(message, str):
        message = doc.get("msg")
        message = message if isinstance(message, str) else None
    if name is not None and message is not None:
        out.append("%s: %s\n" % (name, message))
    elif message is not None:
        out.append(message + "\n")
    error = doc.get("error")
    if isinstance(error, str):
        out.append(error + "\n")
    elif isinstance(error, (dict, list)):
        render_json(out, error, depth + 1)
    errors = doc.get("errors")
    if isinstance(errors, list):
        render_json(out, errors, depth + 1)


def embedded_json_at(text):
    """Offset of a line (after the first) that opens a JSON object, e.g. {"detail": [...]}."""
    at, n = 0, len(text)
    while at < n:
        nl = text.find("\n", at)
        if nl < 0:
            break
        k = nl + 1
        while k < n and text[k] in " \t":
            k += 1
        if k + 1 < n and text[k] == "{" and text[k + 1] == '"':
            return k
        at = nl + 1
    return -1


def prepare_text(pack, text):
    out = []
    i, n = 0, len(text)
    while i < n and text[i] in SP:
        i += 1
    # a JSON document: the whole text, or a body after a log line; trailing text is allowed
    if not (i < n and text[i] in '{["'):
        i = embedded_json_at(text)
    if i >= 0:
        try:
            doc, _ = _decoder.raw_decode(text, i)
        except ValueError:
            pass
        else:
            render_json(out, doc, 0)
            if out:
                out.append("\n")
    rendered = bool(out)
    if "\n" not in text and "\\n" in text:
        out.append(UNESCAPE.sub(lambda m: UNESCAPE_MAP[m.group(1)], text))
    else:
        out.append(text)
    work = "".join(out)
    if rendered and SURROGATE.search(work):  # decoded \u escapes that are not valid text
        work = text
    return strip_prefixes(pack, work)


def strip_prefixes(pack, s):
    rx = pack.log_prefix
    if rx is None:
        return s
    n = len(s)
    at = copied = 0
    parts = []
    while at <= n:
        m = rx.search(s, at)
        if m is None:
            break
        ms, me = m.span()
        if me > ms:
            parts.append(s[copied:ms])
            copied = me
        nl = s.find("\n", me)
        if nl < 0:
            break
        at = nl + 1
    if not parts:
        return s
    parts.append(s[copied:])
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# stage 2: exceptions and message blocks (traceback.c)

def plausible_class(name, at_line_start):
    last = name[name.rfind(".") + 1:]
    if not last or not ("A" <= last[0] <= "Z"):
        return False
    if last.endswith(("Error", "Exception", "Warning", "Violation")):
        return True
    if not at_line_start:
        return False
    upper = sum(1 for c in last if "A" <= c <= "Z")
    lower = sum(1 for c in last if "a" <= c <= "z")
    return upper >= 2 and lower >= 1


def line_start_prefix(p):
    i, n = 0, len(p)
    while i < n and p[i] in " \t":
        i += 1
    if i < n and p[i] in "E>{|":
        i += 1
        while i < n and p[i] in " \t":
            i += 1
    if p.startswith("Caused by:", i):
        i += 10
        while i < n and p[i] in " \t":
            i += 1
    return i == n


def block_stop_line(s, ls, le):
    i = ls
    while i < le and s[i] in " \t\r":
        i += 1
    if i == le:
        return True
    return s.startswith(BLOCK_STOPS, i)


def is_name_char(c):
    return c.isascii() and (c.isalnum() or c == "_" or c == ".")


class Exc:
    __slots__ = ("cls", "inner", "start", "end", "block")


def parse_inner(s, e):
    p, end = e.start, e.end
    if p < end and s[p] == "(":
        q = p + 1
        while q < end and is_name_char(s[q]):
            q += 1
        if q < end and s[q] == ")" and q > p + 1 and q + 1 < end and s[q + 1] == " ":
            e.inner = s[p + 1:q][:CLASS_MAX]
            p = q + 2
    if p + 8 < end and s.startswith("<class '", p):
        q = start = p + 8
        while q < end and is_name_char(s[q]):
            q += 1
        if q + 3 <= end and s.startswith("'>:", q):
            e.inner = s[start:q][:CLASS_MAX]
            p = q + 3
            while p < end and s[p] == " ":
                p += 1
    e.start = p


def parse_exceptions(s):
    n = len(s)
    at = 0
    excs, line_starts = [], []
    search = EXCEPTION_LINE.search
    while at < n:
        m = search(s, at)
        if m is None:
            break
        g = EXCEPTION_ALT_BY_GROUP[m.lastindex]  # (?|...) branch: class, [bracket], message
        cs, ce = m.span(g)
        bs, be = m.span(g + 1)
        msg = m.start(g + 2)
        ls = s.rfind("\n", 0, cs) + 1
        at_start = line_start_prefix(s[ls:cs])
        bracket = bs >= 0 and be > bs
        name = s[bs:be] if bracket else s[cs:ce]
        paren_form = ce < n and s[ce] == ")"
        if not paren_form and not plausible_class(name, at_start):
            at = ce
            continue
        if len(excs) == MAX_EXCEPTIONS:
            del excs[0]
            del line_starts[0]
        e = Exc()
        e.cls = name[:CLASS_MAX]
        e.inner = ""
        e.start = msg
        nl = s.find("\n", msg)
        e.end = nl if nl >= 0 else n
        excs.append(e)
        line_starts.append(ls)
        at = e.end
    for k, e in enumerate(excs):
        limit = line_starts[k + 1] if k + 1 < len(excs) else n
        end, lines = e.end, 1
        while end < limit and lines < BLOCK_MAX_LINES and end - e.start < BLOCK_MAX:
            ls = end + 1
            if ls >= limit:
                break
            le = s.find("\n", ls)
            if le < 0 or le > limit:
                le = limit if le < 0 or le > limit else le
            if block_stop_line(s, ls, le):
                break
            end = le
            lines += 1
        if end - e.start > BLOCK_MAX:
            end = e.start + BLOCK_MAX
        sql = s.find("[SQL:", e.start, end)
        if sql >= 0:
            end = sql
        while end > e.start and s[end - 1] in " \t\r":
            end -= 1
        e.end = end
        parse_inner(s, e)
        e.block = s[e.start:e.end]
    return excs


# ---------------------------------------------------------------------------------------------
# stage 3: rules, context, message (classify.c)

def rule_on_block(rule, e):
    """The match of rule on block e: a match object, True (class-only rule) or None."""
    if rule.exception is not None:
        if not ((e.cls and rule.exception.search(e.cls)) or (e.inner and rule.exception.search(e.inner))):
            return None
    if rule.message is None:
        return True
    if rule.requires and not any(lit in e.block for lit in rule.requires):
        return None
    return rule.message.search(e.block)


def rule_on_text(rule, excs, work):
    if rule.exception is not None:
        hit = False
        for e in excs:
            if (e.cls and rule.exception.search(e.cls)) or (e.inner and rule.exception.search(e.inner)):
                hit = True
                break
        if not hit:
            return None
    if rule.message is None:
        return True
    if rule.requires and not any(lit in work for lit in rule.requires):
        return None
    return rule.message.search(work)


def dup_trimmed(s):
    return s.strip(SP)[:MESSAGE_MAX]


def lines_around(s, start, end):
    a = s.rfind("\n", 0, start) + 1
    b = s.find("\n", end)
    return dup_trimmed(s[a:b if b >= 0 else len(s)])


def last_line(s):
    s = s.rstrip(SP)
    return dup_trimmed(s[s.rfind("\n") + 1:])


def leading_class(s):
    i, n = 0, len(s)
    while i < n and s[i] in " \t\n":
        i += 1
    start = i
    while i < n and is_name_char(s[i]):
        i += 1
    name = s[start:i]
    ln = len(name)
    error_like = (ln > 5 and name.endswith("Error")) or (ln > 9 and name.endswith("Exception"))
    if error_like and i < n and s[i] == " " and ln < CLASS_MAX + 1:
        return name
    return ""


def take_groups(m, groups, ctx, hints):
    for k in CONTEXT_KEYS:
        if ctx.get(k) is None and k in groups:
            v = group_of(m, groups, k)
            if v is not None:
                ctx[k] = v
    for k in HINT_NAMES:
        if hints.get(k) is None and k in groups:
            v = group_of(m, groups, k)
            if v is not None:
                hints[k] = v


def finish_context(pack, c, work):
    ctx = c["context"]
    loc = ctx.get("loc")
    if loc is not None:
        loc = ctx["loc"] = loc.replace(" -> ", ".")
        if ctx.get("field") is None:
            last = loc[loc.rfind(".") + 1:]
            if last and not (last.isascii() and last.isdigit()):
                ctx["field"] = last
    cat = c["cat"]
    if (cat is not None and cat["error_type"] == "database" and ctx.get("table") is None
            and pack.sql_table):
        for rx, groups in pack.sql_table:  # in order: the first that finds a table names it
            m = rx.search(work)
            v = group_of(m, groups, "table") if m else None
            if v is not None:
                ctx["table"] = v
                break


def normalize(message):
    """Message template and error_message_pattern (normalize.c)."""
    s = message.strip(SP)
    end = min(len(s), TEMPLATE_MAX)
    p = -1
    for _ in range(TEMPLATE_MAX_LINES):
        p = s.find("\n", p + 1, end)
        if p < 0:
            break
    if p >= 0:
        end = p
    s = s[:end]
    tpl, rx = [], ["^"]
    in_space = False

    def literal(lit, in_space):
        for tok in WS_SPLIT.split(lit):
            if not tok:
                continue
            if tok[0] in SP:
                if not in_space:
                    tpl.append("\n" if "\n" in tok else " ")
                    rx.append("\\s+")
                in_space = True
            else:
                tpl.append(tok)
                rx.append(tok.translate(REGEX_ESCAPE))
                in_space = False
        return in_space

    at = 0
    for m in NORMALIZER.finditer(s):
        ms, me = m.span()
        if ms > at:
            in_space = literal(s[at:ms], in_space)
        mark = mark_of(m)
        tpl.append("<%s>" % mark)
        rx.append(PLACEHOLDER_REGEX.get(mark, r"\S+"))
        in_space = False
        at = me
    if at < len(s):
        literal(s[at:], in_space)
    return "".join(tpl), "".join(rx)


def classify(pack, text, endpoint=None):
    work = prepare_text(pack, text)
    excs = parse_exceptions(work)
    rules = pack.rules
    nrules = len(rules)
    best, block, match = nrules, -1, None
    for k in range(len(excs) - 1, -1, -1):
        e = excs[k]
        for r in range(best):
            rule = rules[r]
            if rule.scope == "text":
                continue
            m = rule_on_block(rule, e)
            if m:
                best, block, match = r, k, m
                break
    if best == nrules:
        for r in range(nrules):
            rule = rules[r]
            if rule.scope == "message":
                continue
            m = rule_on_text(rule, excs, work)
            if m:
                best, match = r, m
                break

    c = {"cat": None, "category": None, "rule_id": None, "exception_class": "",
         "inner_exception_class": "", "message": "", "context": {}, "hints": {}}
    ctx, hints = c["context"], c["hints"]
    if best < nrules:
        rule = rules[best]
        c["category"] = rule.category
        c["cat"] = pack.categories[rule.category]
        c["rule_id"] = rule.id
        if block >= 0:
            e = excs[block]
            c["exception_class"] = e.cls
            inner = e.inner
            for k in range(block):
                if inner:
                    break
                if excs[k].cls != e.cls and rule_on_block(rule, excs[k]):
                    inner = excs[k].cls
            c["inner_exception_class"] = inner
            c["message"] = dup_trimmed(e.block)
        else:
            if excs:
                c["exception_class"] = excs[-1].cls
                c["inner_exception_class"] = excs[-1].inner
            else:
                c["exception_class"] = leading_class(work)
            if rule.message is not None:
                c["message"] = lines_around(work, match.start(), match.end())
            else:
                c["message"] = last_line(work)
        if rule.message is not None:
            take_groups(match, rule.mgroups, ctx, hints)
    elif excs:
        c["exception_class"] = excs[-1].cls
        c["inner_exception_class"] = excs[-1].inner
        c["message"] = dup_trimmed(excs[-1].block)
    else:
        c["exception_class"] = leading_class(work)
        c["message"] = last_line(work)
    finish_context(pack, c, work)
    for rx, groups in pack.hints:
        m = rx.search(work)
        if m:
            take_groups(m, groups, ctx, hints)
    c["template"], c["pattern"] = normalize(c["message"])
    c["ir"] = ir_map(c, endpoint)
    return c


# ---------------------------------------------------------------------------------------------
# stage 4: what the text says about entity, field, endpoint without an IR (ir_map.c)

def bare_table(t):
    return t[t.rfind(".") + 1:].replace('"', "").replace("`", "")[:127]


def entity_from_table(t):
    bare = bare_table(t)
    n = len(bare)
    if n > 3 and bare.endswith("ies"):
        bare = bare[:-3] + "y"
    elif n > 1 and bare[-1] == "s" and bare[-2] != "s":
        bare = bare[:-1]
    out, up = [], True
    for ch in bare:
        if ch in "_-":
            up = True
            continue
        out.append(ch.upper() if up and "a" <= ch <= "z" else ch)
        up = False
    return "".join(out)[:127]


def table_name(entity):
    b = []
    n = len(entity)
    for i, ch in enumerate(entity):
        if "A" <= ch <= "Z":
            prev = entity[i - 1] if i else ""
            nxt = entity[i + 1] if i + 1 < n else ""
            boundary = i > 0 and (("a" <= prev <= "z") or ("0" <= prev <= "9")
                                  or (("A" <= prev <= "Z") and ("a" <= nxt <= "z")))
            if boundary and b and b[-1] != "_":
                b.append("_")
            b.append(ch.lower())
        else:
            b.append("_" if ch in "- " else ch)
    s = "".join(b)
    last, prev = s[-1:], s[-2:-1]
    if last == "y" and len(s) > 1 and prev not in "aeiou":
        return s[:-1] + "ies"
    if last in ("s", "x", "z") or (last == "h" and prev in ("c", "s")) and last:
        return s + "es"
    return s + "s" if s else s


def segment_is_param(seg):
    if len(seg) >= 2 and seg[0] == "{" and seg[-1] == "}":
        return True
    if seg[:1] == ":":
        return True
    if seg.isascii() and seg.isdigit():
        return True
    return len(seg) >= 8 and all(ch in "0123456789abcdef-" for ch in seg)


def generalize_path(path):
    """Without an IR only parameters are generalised; literal segments stay."""
    out = []
    p, n = 0, len(path)
    while p < n:
        if path[p] != "/":
            p += 1
            continue
        p += 1
        s = p
        while p < n and path[p] not in "/?":
            p += 1
        seg = path[s:p]
        if not seg:
            continue
        out.append("/")
        out.append("{id}" if segment_is_param(seg) else seg)
        if p < n and path[p] == "?":
            break
    return "".join(out) or "/"


def ir_map(c, endpoint):
    ctx, hints, cat = c["context"], c["hints"], c["cat"]
    x = {"entity": "", "table": "", "field": "", "field_type": "", "constraint_type": "",
         "schema": "", "endpoint": "", "endpoint_pattern": "", "method": "", "path": "",
         "max_length": -1, "success_status": 0, "mapped": False}
    category_constraint = cat["constraint"] if cat else "unknown"
    method = path = ""
    if endpoint:
        sp = endpoint.find(" ")
        if 0 <= sp < 16:
            method, path = endpoint[:sp], endpoint[sp:].lstrip(" ")[:199]
        else:
            path = endpoint[:199]
    elif hints.get("path") is not None:
        method, path = (hints.get("method") or "")[:15], hints["path"][:199]
    method = method.upper()
    if method:
        x["method"] = method
    if path:
        x["path"] = path
        lead = method + " " if method else ""
        x["endpoint_pattern"] = (lead + generalize_path(path))[:255]
        x["endpoint"] = (lead + path)[:255]
    table, obj = ctx.get("table"), ctx.get("object_type")
    if table is not None:
        x["entity"] = entity_from_table(table)
        x["table"] = bare_table(table)
    elif obj is not None and obj[:1].isupper() and obj[:1].isascii() and obj != "NoneType":
        x["entity"] = obj[:127]
    col = ctx.get("column")
    if col is not None:
        col = col[col.rfind(".") + 1:]
    if col is not None:
        x["field"] = col[:127]
    elif ctx.get("field") is not None:
        x["field"] = ctx["field"][:127]
    elif ctx.get("attribute") is not None:
        x["field"] = ctx["attribute"][:127]
    x["constraint_type"] = category_constraint
    if hints.get("model") is not None:
        x["schema"] = hints["model"][:127]
    return x


# ---------------------------------------------------------------------------------------------
# stage 5: pattern_id, anti_pattern, JSON (antipattern.c, classify_json.c)

def fnv1a64(data):
    h = FNV_SEED
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & MASK64
    return h


def short_class(cls):
    return cls[cls.rfind(".") + 1:]


def key_part(parts, s):
    parts.append("\x1f")
    if s:
        parts.append("".join(ch.lower() if "A" <= ch <= "Z" else ch for ch in s if ch not in '"`'))


def pattern_id(c):
    ctx, x = c["context"], c["ir"]
    parts = ["1"]
    key_part(parts, c["category"] or "unknown")
    table = ctx.get("table")
    key_part(parts, table[table.rfind(".") + 1:] if table else None)
    for k in ("column", "constraint", "field", "module", "name", "attribute", "object_type"):
        key_part(parts, ctx.get(k))
    if c["cat"] is not None and c["cat"]["error_type"] == "http":
        key_part(parts, x["endpoint_pattern"])
    if c["cat"] is None:
        key_part(parts, short_class(c["exception_class"]))
        key_part(parts, c["template"])
    return "ap%d-%016x" % (SIGNATURE_VERSION, fnv1a64("".join(parts).encode("utf-8")))


def render_template(c, tpl):
    x, ctx = c["ir"], c["context"]

    def value(m):
        name = m.group(1)
        if name == "entity":
            return x["entity"] or "Item"
        if name == "table":
            return x["table"] or ctx.get("table") or "items"
        if name == "field":
            return x["field"] or "<field>"
        if name == "column":
            return ctx.get("column") or x["field"] or "column"
        if name == "py_type":
            return PY_TYPES.get(x["field_type"].lower(), "str")
        if name == "ref_entity":
            return "Parent"
        if name == "ref_table":
            return "parents"
        if name == "ref_field":
            return "id"
        if name == "max_length":
            return str(x["max_length"]) if x["max_length"] >= 0 else "255"
        if name == "min":
            return "0"
        if name == "max":
            return "1000000"
        if name == "schema":
            return x["schema"] or (x["entity"] or "Item") + "Create"
        if name == "method":
            return x["method"] or "POST"
        if name == "method_lower":
            return (x["method"] or "post").lower()
        if name == "path":
            return x["path"] or "/items"
        if name == "entities":
            return x["table"] or "items"
        if name == "entity_snake":
            t = table_name(x["entity"] or "Item")
            return t[:-1] if len(t) > 1 else t or "item"
        if name == "status":
            return str(x["success_status"] or 201)
        if name == "exception":
            return short_class(c["exception_class"]) or (c["category"] or "Error")
        if name == "message":
            return c["template"].encode("utf-8")[:255].decode("utf-8", "ignore")
        if name in CONTEXT_KEYS:
            return ctx.get(name) or ("module" if name == "module" else "name" if name == "name" else "value")
        return m.group(0)

    return PLACEHOLDER.sub(value, tpl)


def output_record(pack, rid, c, now):
    cat = c["cat"] or pack.categories.get("unknown")
    x = c["ir"]
    pid = pattern_id(c)
    ctx = c["context"]
    anti = {
        "pattern_id": pid,
        "error_type": cat["error_type"] if cat else "unknown",
        "category": c["category"] or "unknown",
        "exception_class": short_class(c["exception_class"]),
        "error_message_pattern": c["pattern"],
        "message_template": c["template"],
        "entity_pattern": x["entity"] or "*",
        "endpoint_pattern": x["endpoint_pattern"] or "*",
        "field_pattern": "%s:%s" % (x["constraint_type"] or "unknown", x["field"] or "*"),
        "remediation": render_template(c, cat["summary"]) if cat else "",
        "bad_code_snippet": render_template(c, cat["bad_code"]) if cat else "",
        "correct_code_snippet": render_template(c, cat["correct_code"]) if cat else "",
        "occurrence_count": 1,
        "times_prevented": 0,
        "prevention_rate": 0,
        "first_seen": now,
        "last_seen": now,
        "signature_version": SIGNATURE_VERSION,
    }
    return {
        "id": rid,
        "error_type": c["cat"]["error_type"] if c["cat"] else "unknown",
        "category": c["category"] or "unknown",
        "rule_id": c["rule_id"],
        "exception_class": c["exception_class"] or None,
        "inner_exception_class": c["inner_exception_class"] or None,
        "message": c["message"],
        "message_template": c["template"],
        "context": {k: ctx[k] for k in CONTEXT_KEYS if k in ctx},
        "pattern_id": pid,
        "anti_pattern": anti,
    }


def classify_record(pack, line, now):
    """One JSON line in, one JSON-serialisable dict out (an error record when it fails)."""
    try:
        rec = json.loads(line)
    except ValueError:
        return {"id": None, "error": {"code": "json", "message": "record is not valid JSON"}}
    if not isinstance(rec, dict):
        return {"id": None, "error": {"code": "json", "message": "record is not a JSON object"}}
    rid = rec.get("id")
    text = rec.get("text")
    if not isinstance(text, str):
        return {"id": rid, "error": {"code": "schema", "message": "$.text: expected a string"}}
    if len(text) > DEFAULT_MAX_INPUT // 4 and len(text.encode("utf-8", "surrogatepass")) > DEFAULT_MAX_INPUT:
        return {"id": rid, "error": {"code": "too_large", "message": "input is over the limit"}}
    if not text.strip(SP):
        return {"id": rid, "error": {"code": "empty", "message": "input is empty: expected an error text"}}
    endpoint = rec.get("endpoint")
    c = classify(pack, text, endpoint if isinstance(endpoint, str) else None)
    return output_record(pack, rid, c, now)


def compare(ours, native_path):
    """Agreement with the native output, by id."""
    native = {}
    with open(native_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                native[json.dumps(o.get("id"))] = o
    fields = ("category", "rule_id", "exception_class", "inner_exception_class", "message",
              "message_template", "context", "pattern_id")
    agree = {k: 0 for k in fields}
    total = 0
    mismatches = []
    for o in ours:
        n = native.get(json.dumps(o.get("id")))
        if n is None:
            continue
        total += 1
        for k in fields:
            if o.get(k) == n.get(k):
                agree[k] += 1
            elif k == "category":
                mismatches.append("%s: python %s, native %s" % (o.get("id"), o.get(k), n.get(k)))
    summary = {"records": total, "native_records": len(native),
               "agreement": {k: (agree[k] / total if total else 0.0) for k in fields},
               "category_mismatches": mismatches}
    return summary


def main(argv):
    pack_path, native_path, inp = DEFAULT_PACK, None, "-"
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--rules":
            pack_path = args.pop(0)
        elif a == "--compare":
            native_path = args.pop(0)
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            inp = a
    pack = Pack(pack_path)
    now = os.environ.get("FOREWARN_NOW") or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    src = sys.stdin.buffer if inp == "-" else open(inp, "rb")  # noqa: SIM115
    out = open(sys.stdout.fileno(), "w", encoding="utf-8", errors="backslashreplace",
               buffering=1 << 20, closefd=False)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    kept = [] if native_path else None
    for raw in src:
        raw = raw.rstrip(b"\r\n")
        if not raw.strip(b" \t"):
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            o = {"id": None, "error": {"code": "utf8", "message": "record is not valid UTF-8"}}
        else:
            o = classify_record(pack, line, now)
        out.write(dumps(o))
        out.write("\n")
        if kept is not None:
            kept.append(o)
    out.flush()
    if src is not sys.stdin.buffer:
        src.close()
    if native_path:
        s = compare(kept, native_path)
        sys.stderr.write(json.dumps(s) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
