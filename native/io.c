/*
 * io.c - the CLI's contact with the OS: files, stdin, the clock, and turning core errors into
 * messages and exit codes.
 */
#include "cli.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

ssize_t cli_read_line(FILE *f, char **buf, size_t *cap, size_t max, bool *too_long) {
  size_t n = 0;
  int c;
  *too_long = false;
  while ((c = getc(f)) != EOF && c != '\n') {
    if (*too_long) continue;
    if (n == max) { /* over the limit: the rest of the line is dropped as it comes */
      *too_long = true;
      continue;
    }
    if (n + 2 > *cap) {
      size_t bigger = *cap ? *cap * 2 : 4096;
      if (bigger > max + 2) bigger = max + 2;
      char *grown = realloc(*buf, bigger);
      if (!grown) return -1;
      *buf = grown;
      *cap = bigger;
    }
    (*buf)[n++] = (char)c;
  }
  if (c == EOF && n == 0 && !*too_long) return -1;
  if (*too_long) n = 0;
  if (!*buf && !(*buf = malloc(*cap = 4096))) return -1;
  (*buf)[n] = '\0';
  return (ssize_t)n;
}

int cli_read_file(const char *path, size_t max, char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  int use_stdin = strcmp(path, "-") == 0;
  FILE *f = use_stdin ? stdin : fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "forewarn: cannot open %s: %s\n", path, strerror(errno));
    return EXIT_USAGE;
  }
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap + 1);
  if (!buf) {
    if (!use_stdin) fclose(f);
    fprintf(stderr, "forewarn: out of memory reading %s\n", path);
    return EXIT_RUNTIME;
  }
  for (;;) {
    if (n == cap) {
      if (cap > max) break;
      cap *= 2;
      char *grown = realloc(buf, cap + 1);
      if (!grown) {
        free(buf);
        if (!use_stdin) fclose(f);
        fprintf(stderr, "forewarn: out of memory reading %s\n", path);
        return EXIT_RUNTIME;
      }
      buf = grown;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
    if (n > max) break;
  }
  int read_error = ferror(f);
  if (!use_stdin) fclose(f);
  if (read_error) {
    free(buf);
    fprintf(stderr, "forewarn: error reading %s\n", path);
    return EXIT_RUNTIME;
  }
  if (n > max) {
    free(buf);
    fprintf(stderr, "forewarn: %s is larger than the limit of %zu bytes (see --max-input)\n",
            use_stdin ? "standard input" : path, max);
    return EXIT_USAGE;
  }
  buf[n] = '\0';
  *out = buf;
  *len = n;
  return EXIT_OK;
}

int cli_exit_for(fw_status st) {
  switch (st) {
  case FW_ERR_JSON:
  case FW_ERR_XML:
  case FW_ERR_SCHEMA:
  case FW_ERR_UTF8:
  case FW_ERR_TOO_LARGE:
  case FW_ERR_EMPTY:
  case FW_ERR_ARG:
  case FW_ERR_RULE_COMPILE:
    return EXIT_USAGE;
  default:
    return EXIT_RUNTIME;
  }
}

void cli_report(const char *context, const fw_error *err) {
  fprintf(stderr, "forewarn: %s: %s\n", context, err->message[0] ? err->message : fw_status_name(err->code));
}

const char *cli_now(void) {
  static char buf[32];
  const char *fixed = getenv("FOREWARN_NOW");
  if (fixed && *fixed) return fixed;
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/* The --redact file as a rule pack: a JSON array of redaction patterns becomes
 * {"format_version": 1, "redact": [...]}; a pack is taken as it is when it holds nothing but
 * redaction (one with rules belongs in --rules). *pack is cJSON_free()d; a status and message. */
static fw_status redact_pack(const char *text, size_t len, char **pack, fw_error *err) {
  *pack = NULL;
  fw_status st = fw_json_check(text, len, err);
  if (st != FW_OK) return st;
  cJSON *doc = cJSON_ParseWithLength(text, len);
  if (cJSON_IsArray(doc)) {
    cJSON *wrap = cJSON_CreateObject();
    cJSON_AddNumberToObject(wrap, "format_version", 1);
    cJSON_AddItemToObject(wrap, "redact", doc);
    doc = wrap;
  }
  const char *extra = NULL;
  for (const cJSON *m = cJSON_IsObject(doc) ? doc->child : NULL; m && !extra; m = m->next)
    if (strcmp(m->string, "redact") != 0 && strcmp(m->string, "format_version") != 0) extra = m->string;
  err->code = st = FW_ERR_SCHEMA;
  if (extra)
    snprintf(err->message, sizeof err->message,
             "$.%.100s: --redact takes only \"redact\" patterns (a pack with more goes in --rules)", extra);
  else if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc, "redact")))
    snprintf(err->message, sizeof err->message,
             "expected an array of redaction patterns, or {\"format_version\": 1, \"redact\": [...]}");
  else if ((*pack = cJSON_PrintUnformatted(doc)) == NULL)
    snprintf(err->message, sizeof err->message, "out of memory");
  else
    err->code = st = FW_OK;
  cJSON_Delete(doc);
  return st;
}

typedef enum { PACK_RULES, PACK_REDACT, PACK_LESSONS } pack_kind;

/* A lessons pack holds "stacks" and no "rules" (rules go in --rules); text that is not JSON is
 * left to the pack reader, which says where. */
static bool lessons_only(const char *text, size_t len) {
  cJSON *doc = cJSON_ParseWithLength(text, len);
  bool ok = !doc || (cJSON_IsObject(doc) && cJSON_GetObjectItemCaseSensitive(doc, "stacks") &&
                     !cJSON_GetObjectItemCaseSensitive(doc, "rules"));
  cJSON_Delete(doc);
  return ok;
}

/* Add the pack file at path: a rule pack (--rules), redaction patterns (--redact) or lessons
 * (--lessons). */
static int add_pack_file(fw_rules *rules, const char *path, pack_kind kind) {
  static const char *const what[] = {"rule pack", "redaction patterns", "lessons"};
  char *text;
  size_t len;
  int rc = cli_read_file(path, 16u << 20, &text, &len);
  if (rc) return rc;
  if (kind == PACK_LESSONS && !lessons_only(text, len)) {
    fprintf(stderr, "forewarn: lessons %s: expected a pack with \"stacks\" and no \"rules\" (docs/rules.md, \"Stacks\"); "
                    "rules go in --rules\n", path);
    free(text);
    return EXIT_USAGE;
  }
  fw_error err;
  char *pack = NULL;
  fw_status st = kind == PACK_REDACT ? redact_pack(text, len, &pack, &err) : FW_OK;
  if (st == FW_OK) st = kind == PACK_REDACT ? fw_rules_add_pack(rules, pack, strlen(pack), &err)
                                           : fw_rules_add_pack(rules, text, len, &err);
  cJSON_free(pack);
  free(text);
  if (st != FW_OK) {
    char ctx[600];
    snprintf(ctx, sizeof ctx, "%s %s", what[kind], path);
    cli_report(ctx, &err);
    return st == FW_ERR_NOMEM ? EXIT_RUNTIME : EXIT_USAGE;
  }
  return EXIT_OK;
}

int cli_add_lessons(fw_rules *rules, const char *path) { return add_pack_file(rules, path, PACK_LESSONS); }

int cli_load_rules(const char *pack_path, const char *redact_path, fw_rules **out) {
  fw_error err;
  fw_status st = fw_rules_new(out, &err);
  if (st != FW_OK) {
    cli_report("built-in rules", &err);
    return EXIT_RUNTIME;
  }
  int rc = pack_path ? add_pack_file(*out, pack_path, PACK_RULES) : EXIT_OK;
  if (rc == EXIT_OK && redact_path) rc = add_pack_file(*out, redact_path, PACK_REDACT);
  if (rc != EXIT_OK) {
    fw_rules_free(*out);
    *out = NULL;
  }
  return rc;
}

int cli_load_ir(const char *path, fw_ir **out) {
  char *text;
  size_t len;
  int rc = cli_read_file(path, 64u << 20, &text, &len);
  if (rc) return rc;
  fw_error err;
  fw_status st = fw_ir_parse(text, len, out, &err);
  free(text);
  if (st != FW_OK) {
    char ctx[600];
    snprintf(ctx, sizeof ctx, "ApplicationIR %s", path);
    cli_report(ctx, &err);
    return cli_exit_for(st);
  }
  /* accepted with a doubt: said once, on stderr, each line naming its JSON path */
  for (const char *w = fw_ir_warnings(*out); *w;) {
    const char *nl = strchr(w, '\n');
    int n = nl ? (int)(nl - w) : (int)strlen(w);
    fprintf(stderr, "forewarn: warning: ApplicationIR %s: %.*s\n", path, n, w);
    w += n + (nl != NULL);
  }
  return EXIT_OK;
}

double cli_json_number(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsNumber(v) ? v->valuedouble : 0;
}
