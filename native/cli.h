/*
 * cli.h - what the forewarn CLI's subcommands share: reading inputs, exit codes, the clock.
 * Exit codes: 0 success, 1 runtime failure, 2 usage error or bad input.
 */
#ifndef FW_CLI_H
#define FW_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <stdio.h>

#include "forewarn.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* Read a whole file ("-" is stdin) of at most max bytes. On failure prints a message naming the
 * file to stderr and returns the exit code to use; on success returns 0 and *out (malloc'd,
 * NUL-terminated) and *len. */
int cli_read_file(const char *path, size_t max, char **out, size_t *len);

/* One line of f into *buf (grown as getline does, never past max bytes): its length without the
 * newline, or -1 at the end. A longer line is read to its end but not kept (*too_long, length
 * 0), so memory stays bounded by max. */
ssize_t cli_read_line(FILE *f, char **buf, size_t *cap, size_t max, bool *too_long);

/* Exit code for a core status: bad input is 2, everything else 1. */
int cli_exit_for(fw_status st);

/* Print "forewarn: <context>: <message>" to stderr. */
void cli_report(const char *context, const fw_error *err);

/* Current UTC time as ISO 8601 ("2026-11-25T14:00:00Z"), or FOREWARN_NOW when set (tests). */
const char *cli_now(void);

/* Load the rules: built-in, plus an optional pack file, plus optional redaction patterns
 * (--redact). Returns an exit code. */
int cli_load_rules(const char *pack_path, const char *redact_path, fw_rules **out);

/* Add a lessons pack (--lessons FILE): a rule pack with "stacks" and no "rules", tried before the
 * built-in lessons. Returns an exit code. */
int cli_add_lessons(fw_rules *rules, const char *path);

/* --redact FILE, the same in every command that reads error texts. */
#define REDACT_OPTION_HELP \
  "  --redact FILE      add redaction patterns: a JSON array of {\"id\", \"pattern\", \"replace\"?,\n" \
  "                     \"requires\"?}, or a pack with only \"redact\" (docs/rules.md)\n"

/* Load and validate an ApplicationIR file. Returns an exit code. */
int cli_load_ir(const char *path, fw_ir **out);

/* A number member of a parsed JSON result, 0 when absent (cJSON from the core's output). */
struct cJSON;
double cli_json_number(const struct cJSON *o, const char *key);

int cmd_classify(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_enhance(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_patterns(int argc, char **argv);
int cmd_pattern(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_store(int argc, char **argv);
int cmd_redact(int argc, char **argv);
int cmd_ir(int argc, char **argv);
int cmd_junit(int argc, char **argv);

#endif
