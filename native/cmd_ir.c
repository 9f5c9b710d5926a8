/*
 * cmd_ir.c - `forewarn ir FILE`: the ApplicationIR forewarn reads from a spec (or derives from an
 * OpenAPI document), normalised (field
 * types canonical, as written in type_raw; tables derived), so a user can inspect, save and edit
 * it. Warnings (an unknown type kept as written) go to stderr.
 */
#include "args.h"

#include <string.h>

static void ir_usage(FILE *out) {
  fputs("usage: forewarn ir FILE|-\n"
        "\n"
        "Print the ApplicationIR forewarn derives from FILE (an ApplicationIR, or the app's OpenAPI\n"
        "3.0 / 3.1 or Swagger 2.0 document: entities from its schemas, endpoints from its paths;\n"
        "docs/formats.md), as JSON: field types as written\n"
        "(Optional[str], VARCHAR(120), String?, {\"type\": \"string\", \"format\": \"date-time\"}) mapped\n"
        "onto the canonical types of docs/formats.md (the spelling kept in type_raw), nullable\n"
        "and max_length filled from them, tables derived. An unknown type is kept and reported.\n",
        out);
}

int cmd_ir(int argc, char **argv) {
  const char *input = NULL;
  int rc = parse_options(argc, argv, "ir", NULL, 0, ir_usage, &input);
  if (rc) return rc < 0 ? EXIT_OK : rc;
  if (!input) {
    ir_usage(stderr);
    return EXIT_USAGE;
  }
  fw_ir *ir = NULL;
  if ((rc = cli_load_ir(input, &ir)) != EXIT_OK) return rc;
  char *json = NULL, *pretty = NULL;
  fw_error err;
  fw_status st = fw_ir_to_json(ir, &json, &err);
  if (st == FW_OK) st = fw_json_pretty(json, strlen(json), &pretty, &err);
  if (st == FW_OK) puts(pretty);
  else cli_report("ir", &err);
  fw_free(json);
  fw_free(pretty);
  fw_ir_free(ir);
  return st == FW_OK ? EXIT_OK : EXIT_RUNTIME;
}
