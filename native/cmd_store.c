/*
 * cmd_store.c - `forewarn store export` and `forewarn store import` (and the dispatch of
 * `store redact`, cmd_store_redact.c): a whole store as JSON lines
 * ({"kind": "pattern"|"unclassified"|"run", ...every field and counter}), to move history
 * between the file store and Neo4j. Import checks every line before it writes anything; a record
 * already in the target with other content is refused unless --replace.
 */
#include "args.h"
#include "cmd_store_redact.h"
#include "store_doc.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>


static void store_usage(FILE *out) {
  fputs("usage: forewarn store export [--store PATH|neo4j+http://HOST:PORT]\n"
        "       forewarn store import [--store PATH|neo4j+http://HOST:PORT] [--replace] [FILE|-]\n"
        "       forewarn store redact [--store PATH|neo4j+http://HOST:PORT] [--redact FILE]\n"
        "\n"
        "export writes the whole store to stdout as JSON lines, one record a line:\n"
        "  {\"kind\":\"pattern\", ...every field and counter}, {\"kind\":\"unclassified\", ...},\n"
        "  {\"kind\":\"run\", ...} (runs in ingest order).\n"
        "import reads such lines (FILE, or stdin with - or no FILE) into the store. Every line is\n"
        "checked first: a malformed line is reported with its number and nothing is imported.\n"
        "A record whose id is already stored with the same content is skipped (importing twice\n"
        "changes nothing); with other content the import is refused, nothing written, unless\n"
        "--replace, which makes the imported record win. Values are set, never added; text values\n"
        "pass the redactor first (an old export brings no secret in). Into Neo4j\n"
        "the schema is applied first, then one request per 500 records.\n"
        "\n"
        "redact rewrites a store written before redaction (or before --redact patterns were\n"
        "added): every text value of every record passes the redactor new classifications pass;\n"
        "ids and counters are kept; it prints how many values changed.\n"
        "\n"
        "Example (move a team's history from the file store to Neo4j):\n"
        "  forewarn store export --store .forewarn/patterns.json > history.jsonl\n"
        "  forewarn store import --store neo4j history.jsonl\n",
        out);
}

static const char *const kinds[] = {"pattern", "unclassified", "run"};
static const char *const *const lists = store_lists;
static const char *const *const ids = store_ids;

static int cmd_export(const char *store_opt) {
  cli_store s;
  int rc = cli_store_open(store_opt, &s);
  if (rc != EXIT_OK) return rc;
  file_store fs = {.lock_fd = -1};
  cJSON *doc = NULL;
  rc = store_doc_load(&s, false, &fs, &doc);
  if (!s.neo4j && rc == EXIT_OK) file_store_close(&fs);
  cli_store_close(&s);
  if (rc != EXIT_OK) return rc;
  for (size_t l = 0; l < 3; l++) {
    cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, lists[l])) {
      /* "kind" first, for people reading the lines */
      cJSON *o = cJSON_CreateObject();
      cJSON_AddStringToObject(o, "kind", kinds[l]);
      while (o && e->child) {
        cJSON *c = cJSON_DetachItemViaPointer(e, e->child);
        if (strcmp(c->string, "kind") == 0) cJSON_Delete(c);
        else cJSON_AddItemToObject(o, c->string, c);
      }
      char *line = o ? cJSON_PrintUnformatted(o) : NULL;
      cJSON_Delete(o);
      if (!line) {
        cJSON_Delete(doc);
        fprintf(stderr, "forewarn store export: out of memory\n");
        return EXIT_RUNTIME;
      }
      puts(line);
      cJSON_free(line);
    }
  }
  cJSON_Delete(doc);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "forewarn store export: cannot write to standard output\n");
    return EXIT_RUNTIME;
  }
  return EXIT_OK;
}

/* The records of the input, checked: a store document whose arrays hold them in input order, and
 * each record's line number. Prints the first problem with its line number. */
typedef struct import_set {
  cJSON *doc;        /* normalised store document (as the in-memory store prints it) */
  size_t *line[3];   /* line number of record i of each list */
  size_t n[3];
} import_set;

static void import_set_free(import_set *in) {
  cJSON_Delete(in->doc);
  for (int l = 0; l < 3; l++) free(in->line[l]);
}

static const char *s_of(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool whole_number(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 9007199254740992.0 &&
         v->valuedouble == (double)(long long)v->valuedouble;
}

static const char *const pattern_counters[] = {"occurrence_count", "times_prevented", "times_injected",
                                               "times_recurred_after_injection"};
static const char *const run_numbers[] = {"violations", "classified", "unclassified", "new_patterns",
                                          "repeated_errors", "injected", "prevented", "not_prevented"};

/* What a line of this kind must hold beyond what the in-memory store checks. */
static const char *missing_of(int l, const cJSON *r) {
  static char what[96];
  if (l == 0) {
    for (size_t k = 0; k < 4; k++)
      if (!whole_number(r, pattern_counters[k])) {
        snprintf(what, sizeof what, "a whole number \"%s\"", pattern_counters[k]);
        return what;
      }
  } else if (l == 1) {
    if (!whole_number(r, "count")) return "a whole number \"count\"";
    if (!s_of(r, "first_seen") || !s_of(r, "last_seen")) return "strings \"first_seen\" and \"last_seen\"";
  } else {
    if (!s_of(r, "ingested_at")) return "a string \"ingested_at\"";
    for (size_t k = 0; k < sizeof run_numbers / sizeof *run_numbers; k++)
      if (!whole_number(r, run_numbers[k])) {
        snprintf(what, sizeof what, "a whole number \"%s\"", run_numbers[k]);
        return what;
      }
    const cJSON *tests = cJSON_GetObjectItemCaseSensitive(r, "tests");
    static const char *const counts[] = {"total", "passed", "failed", "errors", "skipped"};
    for (size_t k = 0; tests && k < sizeof counts / sizeof *counts; k++)
      if (!whole_number(tests, counts[k])) {
        snprintf(what, sizeof what, "\"tests\" with a whole number \"%s\"", counts[k]);
        return what;
      }
  }
  return NULL;
}

static int read_input(const char *name, char *text, size_t len, import_set *in) {
  memset(in, 0, sizeof *in);
  cJSON *doc = cJSON_CreateObject();
  cJSON_AddStringToObject(doc, "format", "forewarn-store");
  cJSON_AddNumberToObject(doc, "version", 1);
  cJSON *arr[3];
  size_t cap[3] = {0, 0, 0};
  for (int l = 0; l < 3; l++) arr[l] = cJSON_AddArrayToObject(doc, lists[l]);
  size_t lineno = 0;
  char *p = text, *end = text + len;
  int rc = EXIT_OK;
  while (p < end && rc == EXIT_OK) {
    char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    lineno++;
    char *line = p;
    p = nl ? nl + 1 : end;
    size_t k = 0;
    while (k < n && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r')) k++;
    if (k == n) continue; /* blank line */
    fw_error checked;
    if (fw_json_check(line, n, &checked) != FW_OK) {
      fprintf(stderr, "forewarn store import: %s line %zu: %s\n", name, lineno, checked.message);
      rc = EXIT_USAGE;
      break;
    }
    cJSON *r = cJSON_ParseWithLength(line, n);
    const char *kind = s_of(r, "kind");
    int l = -1;
    for (int i = 0; kind && i < 3; i++)
      if (strcmp(kind, kinds[i]) == 0) l = i;
    const char *missing = NULL;
    if (!r) {
      fprintf(stderr, "forewarn store import: %s line %zu: not valid JSON\n", name, lineno);
      rc = EXIT_USAGE;
    } else if (!cJSON_IsObject(r) || l < 0) {
      fprintf(stderr, "forewarn store import: %s line %zu: expected an object with \"kind\": \"pattern\", \"unclassified\" or \"run\"\n", name, lineno);
      rc = EXIT_USAGE;
    } else if (!s_of(r, ids[l])) {
      fprintf(stderr, "forewarn store import: %s line %zu: a %s needs a string \"%s\"\n", name, lineno, kind, ids[l]);
      rc = EXIT_USAGE;
    } else if ((missing = missing_of(l, r)) != NULL) {
      fprintf(stderr, "forewarn store import: %s line %zu: %s %s needs %s\n", name, lineno, kind, s_of(r, ids[l]), missing);
      rc = EXIT_USAGE;
    }
    if (rc != EXIT_OK) {
      cJSON_Delete(r);
      break;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(r, "kind");
    if (in->n[l] == cap[l]) {
      cap[l] = cap[l] ? cap[l] * 2 : 256;
      size_t *grown = realloc(in->line[l], sizeof *grown * cap[l]);
      if (!grown) {
        cJSON_Delete(r);
        fprintf(stderr, "forewarn store import: out of memory\n");
        rc = EXIT_RUNTIME;
        break;
      }
      in->line[l] = grown;
    }
    in->line[l][in->n[l]++] = lineno;
    cJSON_AddItemToArray(arr[l], r);
  }
  if (rc != EXIT_OK) {
    cJSON_Delete(doc);
    return rc;
  }
  /* the in-memory store checks the rest (a pattern's fields, duplicate ids) and normalises */
  char *json = cJSON_PrintUnformatted(doc);
  cJSON_Delete(doc);
  fw_store *mem = NULL;
  fw_error err;
  fw_status st = json ? fw_store_new(&mem, &err) : FW_ERR_NOMEM;
  if (st == FW_OK) st = fw_store_load(mem, json, strlen(json), &err);
  cJSON_free(json);
  if (st != FW_OK) {
    /* err.path is "$.patterns[i]...": back to the line of record i */
    size_t line = 0;
    for (int l = 0; l < 3; l++) {
      char prefix[32];
      int plen = snprintf(prefix, sizeof prefix, "$.%s[", lists[l]);
      if (strncmp(err.path, prefix, (size_t)plen) == 0) {
        size_t i = strtoul(err.path + plen, NULL, 10);
        if (i < in->n[l]) line = in->line[l][i];
      }
    }
    const char *msg = err.message;
    size_t plen = strlen(err.path);
    if (plen && strncmp(msg, err.path, plen) == 0 && strncmp(msg + plen, ": ", 2) == 0) msg += plen + 2;
    if (line)
      fprintf(stderr, "forewarn store import: %s line %zu: %s\n", name, line, msg);
    else
      fprintf(stderr, "forewarn store import: %s: %s\n", name, err.message);
    fw_store_free(mem);
    return st == FW_ERR_NOMEM ? EXIT_RUNTIME : EXIT_USAGE;
  }
  char *norm = NULL;
  st = fw_store_to_json(mem, &norm, &err);
  fw_store_free(mem);
  in->doc = st == FW_OK ? cJSON_Parse(norm) : NULL;
  fw_free(norm);
  if (!in->doc) {
    fprintf(stderr, "forewarn store import: out of memory\n");
    return EXIT_RUNTIME;
  }
  return EXIT_OK;
}

/* id -> record of a list, sorted for bsearch */
typedef struct keyed {
  const char *id;
  cJSON *rec;
} keyed;

static int keyed_cmp(const void *a, const void *b) {
  return strcmp(((const keyed *)a)->id, ((const keyed *)b)->id);
}

static keyed *index_list(cJSON *arr, const char *idkey, size_t *n) {
  *n = (size_t)cJSON_GetArraySize(arr);
  keyed *k = malloc(sizeof *k * (*n ? *n : 1));
  if (!k) return NULL;
  size_t i = 0;
  cJSON *e;
  cJSON_ArrayForEach(e, arr) {
    k[i].id = s_of(e, idkey);
    k[i].rec = e;
    i++;
  }
  qsort(k, *n, sizeof *k, keyed_cmp);
  return k;
}

/* Equal records; prevention_rate is derived from the counters. */
static bool same_record(const cJSON *a, const cJSON *b) {
  cJSON *x = cJSON_Duplicate(a, true), *y = cJSON_Duplicate(b, true);
  cJSON_DeleteItemFromObjectCaseSensitive(x, "prevention_rate");
  cJSON_DeleteItemFromObjectCaseSensitive(y, "prevention_rate");
  bool same = cJSON_Compare(x, y, true);
  cJSON_Delete(x);
  cJSON_Delete(y);
  return same;
}

/* Compare the input with the target. Records to write go to `changes` (a store document) and
 * into the target document (the file store's new content); without replace, a record stored
 * with other content is a conflict (the first 10 printed) and nothing is written. */
static int plan(import_set *in, cJSON *target, bool replace, const char *name, cJSON *changes,
                size_t *unchanged, size_t *conflicts) {
  *unchanged = *conflicts = 0;
  for (int l = 0; l < 3; l++) {
    cJSON *tarr = cJSON_GetObjectItemCaseSensitive(target, lists[l]);
    cJSON *carr = cJSON_GetObjectItemCaseSensitive(changes, lists[l]);
    size_t nk;
    keyed *k = index_list(tarr, ids[l], &nk);
    if (!k) {
      fprintf(stderr, "forewarn store import: out of memory\n");
      return EXIT_RUNTIME;
    }
    size_t i = 0;
    cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(in->doc, lists[l])) {
      keyed key = {s_of(e, ids[l]), NULL};
      keyed *hit = nk ? bsearch(&key, k, nk, sizeof *k, keyed_cmp) : NULL;
      size_t line = i < in->n[l] ? in->line[l][i] : 0;
      i++;
      if (hit && same_record(hit->rec, e)) {
        (*unchanged)++;
        continue;
      }
      if (hit && !replace) {
        if (++*conflicts <= 10)
          fprintf(stderr, "forewarn store import: %s line %zu: %s '%s' is already in the store with other content\n",
                  name, line, ids[l], key.id);
        continue;
      }
      cJSON_AddItemToArray(carr, cJSON_Duplicate(e, true));
      if (hit) /* --replace: the file store's document takes the imported record in its place */
        cJSON_ReplaceItemViaPointer(tarr, hit->rec, cJSON_Duplicate(e, true));
      else
        cJSON_AddItemToArray(tarr, cJSON_Duplicate(e, true));
    }
    free(k);
  }
  if (*conflicts) {
    fprintf(stderr, "forewarn store import: %zu records conflict with the store; nothing was imported "
                    "(--replace makes the imported records win)\n", *conflicts);
    return EXIT_RUNTIME;
  }
  return EXIT_OK;
}

static int cmd_import(const char *store_opt, const char *input, bool replace) {
  const char *name = input ? input : "-";
  char *text = NULL;
  size_t len = 0;
  int rc = cli_read_file(name, (size_t)1 << 34, &text, &len);
  if (rc != EXIT_OK) return rc;
  if (strcmp(name, "-") == 0) name = "standard input";
  import_set in;
  rc = read_input(name, text, len, &in);
  free(text);
  size_t redacted = 0, redacted_records = 0; /* an export from before redaction brings no secret in */
  if (rc == EXIT_OK) rc = store_doc_redact(in.doc, NULL, NULL, &redacted, &redacted_records);
  if (rc != EXIT_OK) {
    import_set_free(&in);
    return rc;
  }
  cli_store s;
  if ((rc = cli_store_open(store_opt, &s)) != EXIT_OK) {
    import_set_free(&in);
    return rc;
  }
  file_store fs = {.lock_fd = -1};
  cJSON *target = NULL, *changes = store_doc_empty();
  size_t unchanged = 0, conflicts = 0;
  rc = store_doc_load(&s, true, &fs, &target); /* the file store stays locked until written */
  if (rc == EXIT_OK) rc = plan(&in, target, replace, name, changes, &unchanged, &conflicts);
  size_t written = 0;
  for (int l = 0; l < 3; l++) written += (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(changes, lists[l]));
  if (rc == EXIT_OK && written) {
    if (s.neo4j) {
      rc = store_doc_write_neo4j(&s, changes, "store import");
    } else {
      char *json = cJSON_PrintUnformatted(target);
      fw_error err;
      fw_status st = json ? fw_store_load(fs.mem, json, strlen(json), &err) : FW_ERR_NOMEM;
      cJSON_free(json);
      if (st != FW_OK) {
        cli_report("store import", &err);
        rc = EXIT_RUNTIME;
      } else {
        rc = file_store_save(&fs);
      }
    }
  }
  if (rc == EXIT_OK)
    printf("imported into %s: %zu records written, %zu already there unchanged\n", s.path, written, unchanged);
  if (!s.neo4j) file_store_close(&fs);
  cli_store_close(&s);
  cJSON_Delete(target);
  cJSON_Delete(changes);
  import_set_free(&in);
  return rc;
}

int cmd_store(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    store_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? EXIT_USAGE : EXIT_OK;
  }
  const char *sub = argv[1];
  const char *store_opt = NULL, *input = NULL;
  bool replace = false;
  if (strcmp(sub, "export") == 0) {
    const cli_option opts[] = {{"--store", OPT_STRING, &store_opt}};
    int rc = parse_options(argc - 1, argv + 1, "store export", opts, 1, store_usage, NULL);
    if (rc) return rc < 0 ? EXIT_OK : rc;
    return cmd_export(store_opt);
  }
  if (strcmp(sub, "import") == 0) {
    const cli_option opts[] = {{"--store", OPT_STRING, &store_opt}, {"--replace", OPT_FLAG, &replace}};
    int rc = parse_options(argc - 1, argv + 1, "store import", opts, 2, store_usage, &input);
    if (rc) return rc < 0 ? EXIT_OK : rc;
    return cmd_import(store_opt, input, replace);
  }
  if (strcmp(sub, "redact") == 0) {
    const char *redact_path = NULL;
    const cli_option opts[] = {{"--store", OPT_STRING, &store_opt}, {"--redact", OPT_STRING, &redact_path}};
    int rc = parse_options(argc - 1, argv + 1, "store redact", opts, 2, store_usage, NULL);
    if (rc) return rc < 0 ? EXIT_OK : rc;
    return cmd_store_redact(store_opt, redact_path);
  }
  fprintf(stderr, "forewarn store: unknown subcommand '%s' (export, import or redact)\n", sub);
  store_usage(stderr);
  return EXIT_USAGE;
}
