/*
 * cmd_enhance.c - `forewarn enhance`: a generation prompt plus the "AVOID THESE KNOWN ISSUES:"
 * section for one entity, endpoint or schema; optionally records the injected patterns in the
 * run's manifest for the prevention accounting of the next ingest.
 */
#include "args.h"
#include "store_neo4j.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A --batch line holds a prompt and a target: a megabyte is far past any real one. */
#define BATCH_LINE_MAX (1u << 20)

static void enhance_usage(FILE *out) {
  fputs("usage: forewarn enhance (--entity NAME | --endpoint \"METHOD /path\" | --schema NAME)\n"
        "                        [--ir IR.json] [--prompt FILE|-] [--store PATH|neo4j+http://HOST:PORT]\n"
        "                        [--rules FILE] [--redact FILE] [--stack NAME] [--lessons FILE]\n"
        "                        [--max-patterns N] [--min-occurrences N] [--budget CHARS]\n"
        "                        [--manifest-out FILE --run-id ID [--holdout FRACTION]] [--json]\n"
        "                        [--min-lift X] [--min-exposures N] [--unseen-runs N|never]\n"
        "       forewarn enhance --batch FILE|- [same options]\n"
        "\n"
        "Print the base prompt followed by the known issues to avoid: at most N patterns\n"
        "(default 5) seen at least --min-occurrences times (default 2), most frequent first.\n"
        "Without --prompt the base prompt names the target. --manifest-out appends the injected\n"
        "pattern ids to the manifest of run ID, for `forewarn ingest --manifest`.\n"
        "--batch reads JSON lines {\"scope\": \"entity|endpoint|schema\", \"target\", \"prompt\"?}\n"
        "and writes one JSON line {scope, target, prompt, section, injected} each, loading the\n"
        "store once. Lessons are written in the prompt's stack: --stack NAME, else the IR's\n"
        "\"stack\", else as each was stored (docs/rules.md, \"Stacks\").\n"
        "Eligible lessons are ranked by expected benefit once measured (else by frequency);\n"
        "retired ones are left out (`forewarn patterns --state retired`).\n"
        "  --holdout F        withhold each warning from a fraction F of its (run, target) slots,\n"
        "                     chosen by a hash of pattern, run and target; the manifest lists it\n"
        "                     with \"withheld\": true, so that ingest measures its effect (default 0)\n"
        LIFECYCLE_OPTION_HELP
        "\n"
        "Example:\n"
        "  forewarn enhance --entity Product --ir examples/shop/ir.json \\\n"
        "    --manifest-out .forewarn/manifest-run-2.json --run-id shop-run-2\n",
        out);
}

/* Append the injections to the manifest of run_id (created when missing), under a lock. */
static int append_manifest(const char *path, const char *run_id, const cJSON *injected) {
  int lock = lock_path(path, true);
  if (lock < 0) return EXIT_RUNTIME;
  cJSON *m = NULL;
  int rc = EXIT_OK;
  struct stat st;
  if (stat(path, &st) == 0) {
    char *text;
    size_t len;
    if ((rc = cli_read_file(path, 64u << 20, &text, &len)) == EXIT_OK) {
      m = cJSON_ParseWithLength(text, len);
      free(text);
      const cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "run_id");
      if (!cJSON_IsString(id) || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(m, "injections"))) {
        fprintf(stderr, "forewarn enhance: manifest %s is not a manifest (left as it is)\n", path);
        rc = EXIT_USAGE;
      } else if (strcmp(id->valuestring, run_id) != 0) {
        fprintf(stderr, "forewarn enhance: manifest %s is for run '%s', not '%s'\n", path, id->valuestring, run_id);
        rc = EXIT_USAGE;
      }
    }
  } else {
    m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "run_id", run_id);
    cJSON_AddArrayToObject(m, "injections");
  }
  if (rc == EXIT_OK) {
    cJSON *list = cJSON_GetObjectItemCaseSensitive(m, "injections");
    const cJSON *inj;
    cJSON_ArrayForEach(inj, injected) {
      /* the same pattern injected into the same prompt twice is one injection */
      bool dup = false;
      const cJSON *e;
      cJSON_ArrayForEach(e, list) {
        dup |= cJSON_Compare(e, inj, true);
      }
      if (!dup) cJSON_AddItemToArray(list, cJSON_Duplicate(inj, true));
    }
    char *text = cJSON_Print(m);
    int e = text ? atomic_write(path, text, strlen(text)) : ENOMEM;
    cJSON_free(text);
    if (e) {
      fprintf(stderr, "forewarn enhance: cannot write manifest %s: %s\n", path, strerror(e));
      rc = EXIT_RUNTIME;
    }
  }
  cJSON_Delete(m);
  close(lock);
  return rc;
}

/* The base prompt a target gets when none is given. */
static char *default_prompt(const char *scope, const char *target) {
  char base[600];
  snprintf(base, sizeof base,
           strcmp(scope, "entity") == 0     ? "Generate the SQLAlchemy model and Pydantic schemas for the %s entity."
           : strcmp(scope, "endpoint") == 0 ? "Generate the FastAPI endpoint %s."
                                            : "Generate the Pydantic schema %s.",
           target);
  return strdup(base);
}

/* --batch: JSON lines {"scope", "target", "prompt"?} in, one JSON line out each, the store
 * loaded once; a bad line gets {"error": ...} in its place. Injections gather in `injected`. */
static int enhance_batch(const char *path, const fw_store *store, fw_enhance_options o,
                         cJSON *injected) {
  FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!in) {
    fprintf(stderr, "forewarn enhance: cannot open %s\n", path);
    return EXIT_USAGE;
  }
  char *line = NULL;
  size_t cap = 0, lineno = 0, bad = 0;
  ssize_t got;
  bool too_long;
  while ((got = cli_read_line(in, &line, &cap, BATCH_LINE_MAX, &too_long)) != -1) {
    lineno++;
    fw_error checked = {0};
    fw_status valid = too_long ? FW_ERR_TOO_LARGE
                      : strspn(line, " \t\r\n") == (size_t)got ? FW_OK
                                                              : fw_json_check(line, (size_t)got, &checked);
    if (too_long) snprintf(checked.message, sizeof checked.message, "the line is over %u bytes; it was skipped", BATCH_LINE_MAX);
    cJSON *req = valid == FW_OK ? cJSON_ParseWithLength(line, (size_t)got) : NULL;
    const cJSON *scope = cJSON_GetObjectItemCaseSensitive(req, "scope");
    const cJSON *target = cJSON_GetObjectItemCaseSensitive(req, "target");
    const cJSON *prompt = cJSON_GetObjectItemCaseSensitive(req, "prompt");
    if (!req && valid == FW_OK && strspn(line, " \t\r\n") == (size_t)got) continue; /* blank line */
    char *out = NULL;
    fw_error err;
    fw_status st = valid == FW_OK ? FW_ERR_SCHEMA : valid;
    if (valid == FW_OK)
      snprintf(err.message, sizeof err.message, "line %zu: expected {\"scope\", \"target\", \"prompt\"?}", lineno);
    else
      snprintf(err.message, sizeof err.message, "line %zu: %s", lineno, checked.message);
    if (cJSON_IsString(scope) && cJSON_IsString(target) && (!prompt || cJSON_IsString(prompt))) {
      char *base = prompt ? strdup(prompt->valuestring) : default_prompt(scope->valuestring, target->valuestring);
      o.scope = scope->valuestring;
      o.target = target->valuestring;
      st = base ? fw_enhance(store, base, strlen(base), &o, &out, &err) : FW_ERR_NOMEM;
      free(base);
    }
    cJSON *res = out ? cJSON_Parse(out) : cJSON_CreateObject();
    fw_free(out);
    if (st == FW_OK) {
      cJSON *inj;
      cJSON_ArrayForEach(inj, cJSON_GetObjectItemCaseSensitive(res, "injected"))
        cJSON_AddItemToArray(injected, cJSON_Duplicate(inj, true));
      cJSON_AddItemToObject(res, "scope", cJSON_Duplicate(scope, true));
      cJSON_AddItemToObject(res, "target", cJSON_Duplicate(target, true));
    } else {
      cJSON *e = cJSON_AddObjectToObject(res, "error");
      cJSON_AddStringToObject(e, "code", fw_status_name(st));
      cJSON_AddStringToObject(e, "message", err.message);
      fprintf(stderr, "forewarn enhance: %s\n", err.message);
      bad++;
    }
    char *text = cJSON_PrintUnformatted(res);
    if (text) puts(text);
    cJSON_free(text);
    cJSON_Delete(res);
    cJSON_Delete(req);
  }
  free(line);
  if (in != stdin) fclose(in);
  return bad ? EXIT_USAGE : EXIT_OK;
}

int cmd_enhance(int argc, char **argv) {
  const char *entity = NULL, *endpoint = NULL, *schema = NULL, *ir_path = NULL, *prompt_path = NULL,
             *store_opt = NULL, *rules_path = NULL, *redact_path = NULL, *manifest_out = NULL, *run_id = NULL,
             *batch = NULL, *stack = NULL, *lessons_path = NULL, *holdout = NULL;
  cli_lifecycle life = {0};
  long long max = 5, min = 2, budget = 2000;
  bool json = false;
  const cli_option opts[] = {
      {"--entity", OPT_STRING, &entity},       {"--endpoint", OPT_STRING, &endpoint},
      {"--schema", OPT_STRING, &schema},       {"--ir", OPT_STRING, &ir_path},
      {"--prompt", OPT_STRING, &prompt_path},  {"--store", OPT_STRING, &store_opt},
      {"--rules", OPT_STRING, &rules_path},    {"--redact", OPT_STRING, &redact_path},
      {"--manifest-out", OPT_STRING, &manifest_out},
      {"--run-id", OPT_STRING, &run_id},       {"--max-patterns", OPT_NUMBER, &max},
      {"--min-occurrences", OPT_NUMBER, &min}, {"--budget", OPT_NUMBER, &budget},
      {"--json", OPT_FLAG, &json},             {"--batch", OPT_STRING, &batch},
      {"--stack", OPT_STRING, &stack},         {"--lessons", OPT_STRING, &lessons_path},
      {"--holdout", OPT_STRING, &holdout},     CLI_LIFECYCLE_OPTIONS(life)};
  int rc = parse_options(argc, argv, "enhance", opts, sizeof opts / sizeof *opts, enhance_usage, NULL);
  if (rc) return rc < 0 ? EXIT_OK : rc;
  int scopes = (entity != NULL) + (endpoint != NULL) + (schema != NULL) + (batch != NULL);
  if (scopes != 1) {
    fprintf(stderr, "forewarn enhance: give exactly one of --entity, --endpoint, --schema, --batch\n");
    return EXIT_USAGE;
  }
  if ((manifest_out != NULL) != (run_id != NULL)) {
    fprintf(stderr, "forewarn enhance: --manifest-out and --run-id go together\n");
    return EXIT_USAGE;
  }
  double fraction = 0.0;
  fw_lifecycle_options lifecycle;
  if (holdout && (rc = cli_fraction("enhance", "--holdout", holdout, 0.0, 1.0, &fraction)) != EXIT_OK) return rc;
  if (fraction > 0.0 && !run_id) {
    fprintf(stderr, "forewarn enhance: --holdout needs --run-id and --manifest-out: the manifest records what was withheld\n");
    return EXIT_USAGE;
  }
  if ((rc = cli_lifecycle_parse("enhance", &life, &lifecycle)) != EXIT_OK) return rc;
  fw_rules *rules = NULL;
  fw_ir *ir = NULL;
  char *prompt = NULL, *out = NULL;
  size_t prompt_len = 0;
  fw_error err;
  if ((rc = cli_load_rules(rules_path, redact_path, &rules)) != EXIT_OK) goto done;
  if (lessons_path && (rc = cli_add_lessons(rules, lessons_path)) != EXIT_OK) goto done;
  if (ir_path && (rc = cli_load_ir(ir_path, &ir)) != EXIT_OK) goto done;
  const char *scope = entity ? "entity" : endpoint ? "endpoint" : "schema";
  const char *target = entity ? entity : endpoint ? endpoint : schema;
  if (prompt_path) {
    if ((rc = cli_read_file(prompt_path, 16u << 20, &prompt, &prompt_len)) != EXIT_OK) goto done;
  } else if (!batch) {
    prompt = default_prompt(scope, target);
    prompt_len = strlen(prompt);
  }
  fw_enhance_options o = {0};
  o.scope = scope;
  o.target = target;
  o.ir = ir;
  o.rules = rules;
  o.stack = stack;
  o.max_patterns = (size_t)max;
  o.min_occurrences = min;
  o.budget = (size_t)budget;
  o.holdout = fraction;
  o.run_id = run_id;
  o.lifecycle = &lifecycle;
  cli_store store;
  fw_store *mem = NULL;
  if ((rc = cli_store_open(store_opt, &store)) != EXIT_OK) goto done;
  rc = cli_store_load_for_enhance(&store, batch ? NULL : &o, &mem);
  cli_store_close(&store);
  if (rc != EXIT_OK) goto done;
  cJSON *r = NULL;
  if (batch) {
    r = cJSON_CreateObject();
    cJSON *injected = cJSON_AddArrayToObject(r, "injected");
    rc = enhance_batch(batch, mem, o, injected);
    fw_store_free(mem);
  } else {
    fw_status st = fw_enhance(mem, prompt, prompt_len, &o, &out, &err);
    fw_store_free(mem);
    if (st != FW_OK) {
      cli_report("enhance", &err);
      rc = cli_exit_for(st);
      goto done;
    }
    r = cJSON_Parse(out);
  }
  /* the manifest gets what was injected even when some batch lines were bad */
  if (manifest_out) {
    int mrc = append_manifest(manifest_out, run_id, cJSON_GetObjectItemCaseSensitive(r, "injected"));
    if (mrc != EXIT_OK) rc = mrc;
  }
  if (rc == EXIT_OK && !batch) {
    if (json) puts(out);
    else fputs(cJSON_GetObjectItemCaseSensitive(r, "prompt")->valuestring, stdout);
  }
  cJSON_Delete(r);
done:
  fw_free(out);
  free(prompt);
  fw_ir_free(ir);
  fw_rules_free(rules);
  return rc;
}
