/*
 * text.c - prepares a raw error text for the rules: a JSON body (FastAPI 422, a serialised
 * error object, a JSON string) is rendered into the plain-text form the rules know, a log line
 * with escaped newlines is decoded, and log prefixes ("app-1  | ", timestamps) are stripped.
 */
#include "classify_internal.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "json_out.h"

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* loc arrays become "body.items.0.name", the form Pydantic prints. */
static void render_loc(fw_buf *b, const cJSON *loc) {
  if (cJSON_IsString(loc)) {
    fw_buf_puts(b, loc->valuestring);
    return;
  }
  const cJSON *part;
  bool first = true;
  cJSON_ArrayForEach(part, loc) {
    if (!first) fw_buf_putc(b, '.');
    first = false;
    if (cJSON_IsString(part)) fw_buf_puts(b, part->valuestring);
    else if (cJSON_IsNumber(part)) fw_buf_printf(b, "%lld", fw__ll_from_double(part->valuedouble));
  }
}

/* One FastAPI/Pydantic error dict as Pydantic's own text: v2 "[type=..., input_value=...]",
 * v1 "(type=value_error.missing)". */
static void render_validation_item(fw_buf *b, const cJSON *item) {
  const cJSON *loc = cJSON_GetObjectItemCaseSensitive(item, "loc");
  const cJSON *msg = cJSON_GetObjectItemCaseSensitive(item, "msg");
  const cJSON *type = cJSON_GetObjectItemCaseSensitive(item, "type");
  const cJSON *input = cJSON_GetObjectItemCaseSensitive(item, "input");
  if (!cJSON_IsString(msg)) return;
  if (loc) render_loc(b, loc);
  fw_buf_puts(b, "\n  ");
  fw_buf_puts(b, msg->valuestring);
  const char *t = cJSON_IsString(type) ? type->valuestring : "";
  if (strchr(t, '.')) {
    fw_buf_printf(b, " (type=%s)\n", t);
    return;
  }
  fw_buf_printf(b, " [type=%s", t);
  if (cJSON_IsString(input)) {
    fw_buf_puts(b, ", input_value='");
    fw_buf_puts(b, input->valuestring);
    fw_buf_putc(b, '\'');
  } else if (cJSON_IsNumber(input)) {
    char *num = cJSON_PrintUnformatted(input);
    if (num) {
      fw_buf_printf(b, ", input_value=%s", num);
      cJSON_free(num);
    }
  } else if (cJSON_IsBool(input)) {
    fw_buf_puts(b, cJSON_IsTrue(input) ? ", input_value=True" : ", input_value=False");
  }
  fw_buf_puts(b, "]\n");
}

static bool all_strings(const cJSON *arr) {
  const cJSON *e;
  if (!cJSON_IsArray(arr) || !arr->child) return false;
  cJSON_ArrayForEach(e, arr) {
    if (!cJSON_IsString(e)) return false;
  }
  return true;
}

/* {"name": ["This field is required."], ...}: DRF's serializer errors, Laravel's and ASP.NET's
 * "errors" object, as "name: This field is required." lines. */
static void render_field_errors(fw_buf *b, const cJSON *obj, bool strings_too) {
  const cJSON *m;
  cJSON_ArrayForEach(m, obj) {
    if (strings_too && m->string && cJSON_IsString(m)) { /* flask-restx: {"errors": {"f": "msg"}} */
      fw_buf_printf(b, "%s: %s\n", m->string, m->valuestring);
      continue;
    }
    if (!m->string || !all_strings(m)) continue;
    if (strcmp(m->string, "loc") == 0 || strcmp(m->string, "message") == 0 || strcmp(m->string, "path") == 0)
      continue;
    const cJSON *e;
    cJSON_ArrayForEach(e, m) fw_buf_printf(b, "%s: %s\n", m->string, e->valuestring);
  }
}

/* A zod issue {"code": "invalid_type", "path": ["name"], "message": "Required"} in the loc/msg
 * form pydantic's errors take. */
static bool render_zod_issue(fw_buf *b, const cJSON *item) {
  const cJSON *path = cJSON_GetObjectItemCaseSensitive(item, "path");
  const cJSON *msg = cJSON_GetObjectItemCaseSensitive(item, "message");
  const cJSON *code = cJSON_GetObjectItemCaseSensitive(item, "code");
  if (!cJSON_IsArray(path) || !cJSON_IsString(msg) || !cJSON_IsString(code)) return false;
  render_loc(b, path);
  fw_buf_printf(b, "\n  %s [type=%s]\n", msg->valuestring, code->valuestring);
  return true;
}

static const char *member_string(const cJSON *obj, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Render what an error document says, as lines the traceback parser and rules understand. */
static void render_json(fw_buf *b, const cJSON *doc, int depth) {
  if (depth > 4) return;
  if (cJSON_IsString(doc)) {
    fw_buf_puts(b, doc->valuestring);
    fw_buf_putc(b, '\n');
    return;
  }
  if (cJSON_IsArray(doc)) {
    const cJSON *item;
    cJSON_ArrayForEach(item, doc) {
      if (cJSON_IsObject(item) && cJSON_GetObjectItemCaseSensitive(item, "msg"))
        render_validation_item(b, item);
      else if (!cJSON_IsObject(item) || !render_zod_issue(b, item))
        render_json(b, item, depth + 1);
    }
    return;
  }
  if (!cJSON_IsObject(doc)) return;
  const cJSON *detail = cJSON_GetObjectItemCaseSensitive(doc, "detail");
  if (cJSON_IsArray(detail)) render_json(b, detail, depth + 1);
  const char *name = member_string(doc, "name");
  /* Spring Boot's error attributes name the exception class (server.error.include-exception) */
  if (!name) name = member_string(doc, "exception");
  const char *message = member_string(doc, "message");
  if (!message) message = member_string(doc, "msg");
  if (name && message) fw_buf_printf(b, "%s: %s\n", name, message);
  else if (message) fw_buf_printf(b, "%s\n", message);
  const cJSON *messages = cJSON_GetObjectItemCaseSensitive(doc, "message");
  if (all_strings(messages)) render_json(b, messages, depth + 1); /* NestJS: class-validator's list */
  const cJSON *issues = cJSON_GetObjectItemCaseSensitive(doc, "issues");
  if (cJSON_IsArray(issues)) render_json(b, issues, depth + 1); /* zod */
  render_field_errors(b, doc, false);
  const cJSON *error = cJSON_GetObjectItemCaseSensitive(doc, "error");
  if (cJSON_IsString(error)) fw_buf_printf(b, "%s\n", error->valuestring);
  else if (cJSON_IsObject(error) || cJSON_IsArray(error)) render_json(b, error, depth + 1);
  const cJSON *errors = cJSON_GetObjectItemCaseSensitive(doc, "errors");
  if (cJSON_IsArray(errors)) render_json(b, errors, depth + 1);
  else if (cJSON_IsObject(errors)) render_field_errors(b, errors, true);
  /* Spring Boot's "trace" (include-stacktrace): the stack trace with its Caused by: chain */
  const char *trace = member_string(doc, "trace");
  if (trace) {
    fw_buf_puts(b, trace);
    fw_buf_putc(b, '\n');
  }
}

/* "line one\nline two" written with literal backslash escapes, as log shippers print them. */
static void unescape_into(fw_buf *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\\' && i + 1 < n) {
      char c = s[i + 1];
      if (c == 'n') { fw_buf_putc(b, '\n'); i++; continue; }
      if (c == 't') { fw_buf_putc(b, '\t'); i++; continue; }
      if (c == 'r') { i++; continue; }
      if (c == '"' || c == '\\') { fw_buf_putc(b, c); i++; continue; }
    }
    fw_buf_putc(b, s[i]);
  }
}

/* Drop the prefixes the pack's log_prefixes match at line starts. One pass over the text. */
static fw_status strip_prefixes(fw_classifier *cl, fw_error *err) {
  const pcre2_code *re = cl->rules->log_prefix;
  if (!re) return FW_OK;
  const char *s = cl->work.data;
  size_t n = cl->work.len, copied = 0, at = 0;
  fw_buf_reset(&cl->scratch);
  bool any = false;
  while (at <= n) {
    int rc = fw__match(cl, re, s, n, at);
    if (rc < 0) return fw__fail(err, FW_ERR_RULE_LIMIT, "log_prefixes ran past the match limit");
    if (rc == 0) break;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(cl->md);
    size_t ms = ov[0], me = ov[1];
    if (me > ms) {
      fw_buf_append(&cl->scratch, s + copied, ms - copied);
      copied = me;
      any = true;
    }
    /* continue at the next line start */
    const char *nl = memchr(s + me, '\n', n - me);
    if (!nl) break;
    at = (size_t)(nl - s) + 1;
  }
  if (!any) return FW_OK;
  fw_buf_append(&cl->scratch, s + copied, n - copied);
  if (cl->scratch.failed) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  fw_buf tmp = cl->work;
  cl->work = cl->scratch;
  cl->scratch = tmp;
  return FW_OK;
}

/* Render the JSON value at s; the raw text is kept after it (some rules read the body). */
static bool render_document(fw_buf *work, const char *s, size_t n, bool whole) {
  cJSON *doc = whole ? cJSON_ParseWithLength(s, n) : cJSON_ParseWithLengthOpts(s, n, NULL, false);
  if (!doc) return false;
  render_json(work, doc, 0);
  cJSON_Delete(doc);
  if (work->len) fw_buf_putc(work, '\n');
  return work->len > 0;
}

/* Offset of a line (after the first) that opens a JSON object, e.g. {"detail": [...]}, on one
 * line or pretty-printed ("{" alone, the first key on the next line), after an HTTP status line,
 * headers or a command; or of the "[" / "{" ending a "Name: [" line above its document. */
static size_t embedded_json_at(const char *s, size_t n) {
  for (size_t at = 0; at < n;) {
    const char *nl = memchr(s + at, '\n', n - at);
    if (!nl) break;
    size_t k = (size_t)(nl - s) + 1;
    /* "ZodError: [" ending a line, the document below it (an exception named before its body) */
    size_t open = (size_t)(nl - s);
    while (open > at && (s[open - 1] == ' ' || s[open - 1] == '\r')) open--;
    if (open >= at + 3 && (s[open - 1] == '[' || s[open - 1] == '{') && s[open - 2] == ' ' &&
        s[open - 3] == ':') {
      size_t q = k;
      while (q < n && is_space(s[q])) q++;
      if (q < n && (s[q] == '{' || s[q] == '"')) return open - 1;
    }
    while (k < n && (s[k] == ' ' || s[k] == '\t')) k++;
    if (k < n && s[k] == '{') {
      size_t q = k + 1;
      while (q < n && is_space(s[q])) q++;
      if (q < n && s[q] == '"') return k;
    }
    at = (size_t)(nl - s) + 1;
  }
  return (size_t)-1;
}

/* The code point of a two-byte UTF-8 sequence for U+0080..U+00FF at s (C2 xx, C3 xx), or -1. */
static int latin1_char_at(const unsigned char *s, size_t n, size_t i) {
  if (i + 1 >= n || (s[i] != 0xC2 && s[i] != 0xC3) || (s[i + 1] & 0xC0) != 0x80) return -1;
  return ((s[i] & 0x1F) << 6) | (s[i + 1] & 0x3F);
}

/* UTF-8 text decoded as Latin-1 somewhere on its way (a JVM or console with the wrong charset):
 * "restricciÃ³n Â«pkeyÂ»". A run of U+0080..U+00FF characters that, taken as bytes, is one
 * valid UTF-8 sequence is that character again ("ó", "«"); anything else stays as it was. */
static void repair_latin1_mojibake(fw_buf *work) {
  const unsigned char *s = (const unsigned char *)work->data;
  size_t n = work->len, out = 0;
  bool repaired = false;
  for (size_t i = 0; i < n;) {
    int lead = latin1_char_at(s, n, i);
    int need = lead >= 0xC2 && lead <= 0xDF ? 1 : lead >= 0xE0 && lead <= 0xEF ? 2
             : lead >= 0xF0 && lead <= 0xF4 ? 3 : 0;
    unsigned char seq[4];
    bool ok = need > 0;
    if (ok) seq[0] = (unsigned char)lead;
    for (int k = 1; ok && k <= need; k++) {
      int c = latin1_char_at(s, n, i + 2 * (size_t)k);
      ok = c >= 0x80 && c <= 0xBF;
      if (ok) seq[k] = (unsigned char)c;
    }
    /* no overlong or surrogate forms, nothing past U+10FFFF */
    if (ok && need >= 2)
      ok = !(lead == 0xE0 && seq[1] < 0xA0) && !(lead == 0xED && seq[1] > 0x9F) &&
           !(lead == 0xF0 && seq[1] < 0x90) && !(lead == 0xF4 && seq[1] > 0x8F);
    if (ok) {
      memcpy(work->data + out, seq, (size_t)need + 1); /* shorter than what it replaces */
      out += (size_t)need + 1;
      i += 2 * ((size_t)need + 1);
      repaired = true;
    } else {
      work->data[out++] = (char)s[i++];
    }
  }
  if (repaired) {
    work->len = out;
    work->data[out] = '\0';
  }
}

static bool blank_line(const char *s, size_t from, size_t to) {
  for (size_t i = from; i < to; i++)
    if (!is_space(s[i])) return false;
  return true;
}

/* A paste that doubled every line break (a blank line after each line, as some forums and
 * terminals copy): without it a traceback's blocks would end after each line. Only a text in
 * which no two lines with content are adjacent, and at least three are separated, is undone. */
static void undo_double_spacing(fw_buf *work) {
  char *s = work->data;
  size_t n = work->len, separated = 0;
  bool prev_content = false;
  for (size_t ls = 0; ls < n;) {
    const char *nl = memchr(s + ls, '\n', n - ls);
    size_t le = nl ? (size_t)(nl - s) : n;
    bool content = !blank_line(s, ls, le);
    if (content && prev_content) return; /* two adjacent lines: not double-spaced */
    if (content) separated++;
    prev_content = content;
    ls = le + 1;
  }
  if (separated < 3) return;
  size_t out = 0;
  for (size_t ls = 0; ls < n;) {
    const char *nl = memchr(s + ls, '\n', n - ls);
    size_t le = nl ? (size_t)(nl - s) : n;
    if (!blank_line(s, ls, le)) {
      memmove(s + out, s + ls, le - ls);
      out += le - ls;
      s[out++] = '\n';
    }
    ls = le + 1;
  }
  work->len = out;
  s[out] = '\0';
}

fw_status fw__prepare_text(fw_classifier *cl, const char *text, size_t len, fw_error *err) {
  fw_buf_reset(&cl->work);
  size_t i = 0;
  while (i < len && is_space(text[i])) i++;
  /* a JSON document: the whole text, or a body after a log line ("... 422 Unprocessable
   * Entity" and then the body) */
  bool whole = i < len && (text[i] == '{' || text[i] == '[' || text[i] == '"');
  if (!whole) i = embedded_json_at(text, len);
  bool rendered = i != (size_t)-1 && render_document(&cl->work, text + i, len - i, whole);
  /* one line holding escapes: a message copied out of a JSON string or a log shipper */
  if (!memchr(text, '\n', len) && (fw__find(text, len, "\\n", 2) != (size_t)-1 ||
                                    fw__find(text, len, "\\\"", 2) != (size_t)-1))
    unescape_into(&cl->work, text, len);
  else fw_buf_append(&cl->work, text, len);
  if (cl->work.failed) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  repair_latin1_mojibake(&cl->work);
  undo_double_spacing(&cl->work);
  /* decoded JSON may carry what the raw bytes did not (\u escapes): check once more */
  if (rendered && fw__utf8_invalid_at(cl->work.data, cl->work.len) != (size_t)-1) {
    fw_buf_reset(&cl->work);
    fw_buf_append(&cl->work, text, len);
  }
  fw_buf_nul_to_space(&cl->work);
  fw_status st = strip_prefixes(cl, err);
  /* last, on the text everything else is read from: no secret reaches a message, template,
   * context value or sample */
  return st == FW_OK ? fw__redact_buf(cl, &cl->work, NULL, err) : st;
}
