/*
 * cmd_classify.c - `forewarn classify`: one error text in, one JSON object out; with --jsonl,
 * JSON lines {"id", "text", "endpoint"?} in and one JSON line out per record, in order.
 */
#include "cli.h"

#include <pthread.h>
#include <stdint.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void classify_usage(FILE *out) {
  fputs("usage: forewarn classify [--ir FILE] [--rules FILE] [--redact FILE] [--endpoint \"METHOD /path\"]\n"
        "                         [--jsonl] [--threads N] [--pretty] [--max-input BYTES]\n"
        "                         [--deadline-ms MS] [--stack NAME] [--lessons FILE] [FILE|-]\n"
        "\n"
        "Classify a failure (traceback, exception line, DB error, 422 body) into a category of\n"
        "the taxonomy, with its context, message template, pattern_id and anti-pattern.\n"
        "\n"
        "  --ir FILE          map the error onto this ApplicationIR (entity, field, constraint)\n"
        "  --rules FILE       add a rule pack; its rules are tried before the built-in ones\n"
        REDACT_OPTION_HELP
        "  --endpoint E       the endpoint the failure came from, e.g. \"POST /products\"\n"
        "  --stack NAME       write the lesson in this stack: fastapi-sqlalchemy,\n"
        "                     fastapi-sqlalchemy-async, django, express-prisma, nestjs-typeorm,\n"
        "                     express-sequelize, spring-jpa, neutral (default: the IR's \"stack\",\n"
        "                     else the one the error shows, else neutral: no framework's code)\n"
        "  --lessons FILE     add lessons: a pack with \"stacks\" (docs/rules.md), tried first\n"
        "  --jsonl            input is JSON lines {\"id\", \"text\", \"endpoint\"?}; one line out each\n"
        "  --pretty           indent the JSON output (single text mode)\n"
        "  --max-input BYTES  refuse texts larger than this (default 4194304)\n"
        "  --deadline-ms MS   give up on a text (or record) after this long: exit 1, \"budget\"\n"
        "                     (default 1000 per started MiB of text; a slow rule pack or a\n"
        "                     hostile input, not a real error)\n"
        "  --threads N        worker threads for --jsonl (default: one per CPU); output order\n"
        "                     is the input order whatever N is\n"
        "\n"
        "Example:\n"
        "  echo 'sqlite3.IntegrityError: NOT NULL constraint failed: products.name' |\n"
        "    forewarn classify --ir examples/shop/ir.json --endpoint 'POST /products' -\n",
        out);
}

typedef struct classify_args {
  const char *ir_path, *rules_path, *redact_path, *endpoint, *input, *stack, *lessons_path;
  bool jsonl, pretty;
  size_t max_input;
  unsigned deadline_ms; /* 0: the core's default */
  int threads; /* 0: one per online CPU */
} classify_args;

/* The value after argv[i] as a whole number from 1 to max. */
static bool bounded_number(int argc, char **argv, int i, long max, long *out) {
  if (i + 1 >= argc) return false;
  char *end;
  *out = strtol(argv[i + 1], &end, 10);
  return !*end && *out >= 1 && *out <= max;
}

static int parse_args(int argc, char **argv, classify_args *a) {
  memset(a, 0, sizeof *a);
  a->input = "-";
  a->max_input = FW_DEFAULT_MAX_INPUT;
  bool have_input = false;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    const char **slot = strcmp(arg, "--ir") == 0         ? &a->ir_path
                        : strcmp(arg, "--rules") == 0    ? &a->rules_path
                        : strcmp(arg, "--redact") == 0   ? &a->redact_path
                        : strcmp(arg, "--endpoint") == 0 ? &a->endpoint
                        : strcmp(arg, "--stack") == 0    ? &a->stack
                        : strcmp(arg, "--lessons") == 0  ? &a->lessons_path
                                                         : NULL;
    if (strcmp(arg, "--deadline-ms") == 0 || strcmp(arg, "--threads") == 0) {
      bool deadline = arg[2] == 'd';
      long v;
      if (!bounded_number(argc, argv, i, deadline ? 3600000 : 64, &v)) {
        fprintf(stderr, deadline ? "forewarn classify: --deadline-ms needs a number of milliseconds from 1 to 3600000\n"
                                 : "forewarn classify: --threads needs a number from 1 to 64\n");
        return EXIT_USAGE;
      }
      if (deadline) a->deadline_ms = (unsigned)v;
      else a->threads = (int)v;
      i++;
      continue;
    }
    if (slot || strcmp(arg, "--max-input") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "forewarn classify: %s needs a value\n", arg);
        return EXIT_USAGE;
      }
      if (slot) {
        *slot = argv[++i];
      } else {
        char *end;
        unsigned long long v = strtoull(argv[++i], &end, 10);
        if (*end || v == 0) {
          fprintf(stderr, "forewarn classify: --max-input needs a positive number of bytes\n");
          return EXIT_USAGE;
        }
        a->max_input = (size_t)v;
      }
    } else if (strcmp(arg, "--jsonl") == 0) {
      a->jsonl = true;
    } else if (strcmp(arg, "--pretty") == 0) {
      a->pretty = true;
    } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      classify_usage(stdout);
      return -1;
    } else if (arg[0] == '-' && arg[1]) {
      fprintf(stderr, "forewarn classify: unknown option '%s'\n", arg);
      classify_usage(stderr);
      return EXIT_USAGE;
    } else if (have_input) {
      fprintf(stderr, "forewarn classify: only one input file is accepted\n");
      return EXIT_USAGE;
    } else {
      a->input = arg;
      have_input = true;
    }
  }
  return EXIT_OK;
}

static int classify_one(fw_classifier *cl, const classify_args *a, fw_classify_options *opts) {
  char *text;
  size_t len;
  int rc = cli_read_file(a->input, a->max_input, &text, &len);
  if (rc) return rc;
  char *json = NULL;
  fw_error err;
  fw_status st = fw_classify(cl, text, len, opts, &json, &err);
  free(text);
  if (st != FW_OK) {
    cli_report(strcmp(a->input, "-") == 0 ? "standard input" : a->input, &err);
    return cli_exit_for(st);
  }
  if (a->pretty) {
    /* re-indent through the core's own printer for a person reading it */
    fw_error perr;
    char *pretty = NULL;
    if (fw_json_pretty(json, strlen(json), &pretty, &perr) == FW_OK) {
      fw_free(json);
      json = pretty;
    }
  }
  puts(json);
  fw_free(json);
  return EXIT_OK;
}

/* A chunk of input lines, classified by several workers, written in input order. */
#define CHUNK_LINES 4096

typedef struct line_slot {
  char *text; /* the line, NUL-terminated in its chunk's line_buf */
  size_t at;  /* where in it (the buffer may move while the chunk is read) */
  size_t len, lineno;
  char *out; /* the output JSON line */
  bool too_long; /* over the line limit: skipped while read, answered with an error record */
  fw_status status;
  char message[512];
} line_slot;

/* The bytes of a chunk's lines, read in large blocks rather than copied line by line; the slots
 * point into it. A line cut by the end of what was read moves to the front of the next chunk's
 * buffer (while the workers read this chunk's lines, which end before it). */
typedef struct line_buf {
  char *data;
  size_t cap;
  size_t used; /* the chunk's lines */
  size_t end;  /* bytes read; [used, end) begins the next line */
} line_buf;

typedef struct worker {
  pthread_t thread;
  fw_classifier *cl;
  const fw_classify_options *opts;
  line_slot *slots;
  size_t count;
  atomic_size_t *next; /* shared: records are taken in small batches, so no worker idles */
} worker;

#define BATCH 32

/* The longest JSON line read: room for a text of --max-input bytes with its escapes, the id and
 * the endpoint. A longer line is skipped while it is read, so memory stays bounded by this. */
static size_t max_line(const fw_classify_options *opts) {
  size_t max = opts->max_input ? opts->max_input : FW_DEFAULT_MAX_INPUT;
  return max > (SIZE_MAX - 65536) / 2 ? SIZE_MAX : 2 * max + 65536;
}

static void *work(void *arg) {
  worker *w = arg;
  for (;;) {
    size_t from = atomic_fetch_add(w->next, BATCH);
    if (from >= w->count) break;
    size_t to = from + BATCH < w->count ? from + BATCH : w->count;
    for (size_t i = from; i < to; i++) {
      line_slot *s = &w->slots[i];
      fw_error err;
      if (s->too_long) {
        s->status = FW_ERR_TOO_LARGE;
        snprintf(s->message, sizeof s->message, "the line is over %zu bytes (2 x --max-input + 64 KiB); it was skipped",
                 max_line(w->opts));
        char line[640];
        snprintf(line, sizeof line, "{\"id\":null,\"error\":{\"code\":\"too_large\",\"message\":\"%s\"}}", s->message);
        s->out = fw_malloc(strlen(line) + 1); /* freed with fw_free, as the core's lines */
        if (s->out) memcpy(s->out, line, strlen(line) + 1);
        continue;
      }
      s->status = fw_classify_record(w->cl, s->text, s->len, w->opts, &s->out, &err);
      if (s->status != FW_OK) snprintf(s->message, sizeof s->message, "%s", err.message);
    }
  }
  return NULL;
}

static int default_threads(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/* Room for more bytes (and a NUL) after b->end: twice the size. Offsets into it stay valid. */
static bool grow(line_buf *b) {
  size_t cap = b->cap ? b->cap * 2 : 1 << 20;
  char *d = realloc(b->data, cap);
  if (!d) return false;
  b->data = d;
  b->cap = cap;
  return true;
}

/* Read up to CHUNK_LINES non-blank lines into slots and b, starting with the cut line prev left;
 * how many. */
static size_t read_chunk(FILE *in, line_slot *slots, line_buf *b, line_buf *prev, size_t *lineno,
                         size_t limit, bool *eof, bool *nomem) {
  size_t carry = prev->end - prev->used;
  while (b->cap < carry + 1) {
    if (!grow(b)) {
      *nomem = true;
      return 0;
    }
  }
  if (carry) memcpy(b->data, prev->data + prev->used, carry);
  prev->end = prev->used;
  b->end = carry;
  size_t n = 0, at = 0;
  bool skipping = false; /* inside a line over the limit: its bytes are dropped as they come */
  while (n < CHUNK_LINES) {
    char *nl = memchr(b->data + at, '\n', b->end - at);
    if (!nl && b->end - at > limit) skipping = true;
    if (skipping && !nl) b->end = at;
    if (!nl && !*eof) { /* more bytes: into the room left, or a larger buffer */
      if (b->end + 1 >= b->cap && !grow(b)) {
        *nomem = true;
        break;
      }
      size_t got = fread(b->data + b->end, 1, b->cap - b->end - 1, in);
      if (got == 0) *eof = true; /* end of input or a read error (ferror says which) */
      b->end += got;
      continue;
    }
    if (!nl && at == b->end && !skipping) break;
    size_t stop = nl ? (size_t)(nl - b->data) : b->end; /* the last line may lack its '\n' */
    (*lineno)++;
    if (skipping || stop - at > limit) {
      skipping = false;
      slots[n].at = at;
      slots[n].len = 0;
      slots[n].lineno = *lineno;
      slots[n++].too_long = true;
      at = nl ? stop + 1 : stop;
      continue;
    }
    size_t len = stop - at;
    char *line = b->data + at;
    at = nl ? stop + 1 : stop;
    while (len && line[len - 1] == '\r') len--;
    bool blank = true;
    for (size_t i = 0; i < len && blank; i++) blank = line[i] == ' ' || line[i] == '\t';
    if (blank) continue;
    line[len] = '\0'; /* over its '\r' or '\n', or the spare byte after the input */
    slots[n].at = (size_t)(line - b->data);
    slots[n].len = len;
    slots[n].lineno = *lineno;
    slots[n++].too_long = false;
  }
  b->used = at;
  for (size_t i = 0; i < n; i++) slots[i].text = b->data + slots[i].at;
  return n;
}

/* Write a classified chunk in input order, count its failures, and clear it. */
static void flush_chunk(line_slot *slots, size_t n, size_t *bad, size_t *failed) {
  for (size_t i = 0; i < n; i++) {
    line_slot *s = &slots[i];
    if (s->out) {
      fputs(s->out, stdout);
      fputc('\n', stdout);
      fw_free(s->out);
    }
    if (s->status != FW_OK) {
      fprintf(stderr, "forewarn classify: line %zu: %s\n", s->lineno, s->message);
      if (cli_exit_for(s->status) == EXIT_USAGE) (*bad)++;
      else (*failed)++;
    }
    s->out = NULL;
    s->status = FW_OK;
  }
}

/* Two chunks in flight: while the workers classify one, this thread writes the previous one and
 * reads the next, then joins the classification (records are taken in batches from a shared
 * counter), so input and output overlap the work without a thread more than the CPUs. */
static int classify_lines(const fw_rules *rules, const classify_args *a, fw_classify_options *opts) {
  FILE *in = strcmp(a->input, "-") == 0 ? stdin : fopen(a->input, "rb");
  if (!in) {
    fprintf(stderr, "forewarn classify: cannot open %s\n", a->input);
    return EXIT_USAGE;
  }
  int nthreads = a->threads ? a->threads : default_threads();
  worker workers[64];
  line_slot *chunks[2] = {calloc(CHUNK_LINES, sizeof(line_slot)), calloc(CHUNK_LINES, sizeof(line_slot))};
  int rc = chunks[0] && chunks[1] ? EXIT_OK : EXIT_RUNTIME;
  int ready = 0;
  for (; rc == EXIT_OK && ready < nthreads; ready++) {
    fw_error err;
    workers[ready].opts = opts;
    if (fw_classifier_new(rules, &workers[ready].cl, &err) != FW_OK) {
      cli_report("classifier", &err);
      rc = EXIT_RUNTIME;
      break;
    }
  }
  static char outbuf[1 << 20];
  setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
  line_buf bufs[2] = {{NULL, 0, 0, 0}, {NULL, 0, 0, 0}};
  size_t lineno = 0, bad = 0, failed = 0, count[2] = {0, 0};
  bool eof = false, nomem = false;
  int cur = 0;
  if (rc == EXIT_OK)
    count[cur] = read_chunk(in, chunks[cur], &bufs[cur], &bufs[1 - cur], &lineno, max_line(opts), &eof, &nomem);
  while (rc == EXIT_OK && !nomem && count[cur] > 0) {
    size_t n = count[cur];
    int other = 1 - cur;
    atomic_size_t next;
    atomic_init(&next, 0);
    int active = n < (size_t)nthreads * 16 ? 1 : nthreads;
    bool started[64] = {false};
    for (int t = 0; t < active; t++) {
      workers[t].slots = chunks[cur];
      workers[t].count = n;
      workers[t].next = &next;
      if (t > 0) started[t] = pthread_create(&workers[t].thread, NULL, work, &workers[t]) == 0;
    }
    /* the previous chunk out, the next one in, then a share of this one */
    flush_chunk(chunks[other], count[other], &bad, &failed);
    count[other] = read_chunk(in, chunks[other], &bufs[other], &bufs[cur], &lineno, max_line(opts), &eof, &nomem);
    work(&workers[0]);
    for (int t = 1; t < active; t++) {
      if (started[t]) pthread_join(workers[t].thread, NULL);
    }
    cur = other;
  }
  /* what was classified last, then whatever a failure left unwritten */
  flush_chunk(chunks[1 - cur], count[1 - cur], &bad, &failed);
  if (nomem) rc = EXIT_RUNTIME;
  for (int k = 0; k < 2; k++) {
    free(chunks[k]);
    free(bufs[k].data);
  }
  for (int t = 0; t < ready; t++) fw_classifier_free(workers[t].cl);
  bool read_error = ferror(in);
  if (in != stdin) fclose(in);
  fflush(stdout);
  if (rc != EXIT_OK) {
    fprintf(stderr, "forewarn classify: out of memory\n");
    return rc;
  }
  if (read_error) {
    fprintf(stderr, "forewarn classify: error reading %s\n", a->input);
    return EXIT_RUNTIME;
  }
  return failed ? EXIT_RUNTIME : bad ? EXIT_USAGE : EXIT_OK;
}

int cmd_classify(int argc, char **argv) {
  classify_args a;
  int rc = parse_args(argc, argv, &a);
  if (rc) return rc < 0 ? EXIT_OK : rc;
  /* before any other core call: the default allocator, plus the cJSON hooks that let each
   * classifier build a record's JSON in its arena */
  fw_set_allocator(NULL);
  fw_rules *rules = NULL;
  fw_ir *ir = NULL;
  fw_classifier *cl = NULL;
  if ((rc = cli_load_rules(a.rules_path, a.redact_path, &rules)) != EXIT_OK) return rc;
  if (a.lessons_path && (rc = cli_add_lessons(rules, a.lessons_path)) != EXIT_OK) {
    fw_rules_free(rules);
    return rc;
  }
  if (a.ir_path && (rc = cli_load_ir(a.ir_path, &ir)) != EXIT_OK) {
    fw_rules_free(rules);
    return rc;
  }
  fw_error err;
  fw_classify_options opts = {0};
  opts.ir = ir;
  opts.endpoint = a.endpoint;
  opts.stack = a.stack;
  opts.now = cli_now();
  opts.max_input = a.max_input;
  opts.deadline_ms = a.deadline_ms;
  if (a.jsonl) {
    rc = classify_lines(rules, &a, &opts);
  } else if (fw_classifier_new(rules, &cl, &err) != FW_OK) {
    cli_report("classifier", &err);
    rc = EXIT_RUNTIME;
  } else {
    rc = classify_one(cl, &a, &opts);
  }
  fw_classifier_free(cl);
  fw_ir_free(ir);
  fw_rules_free(rules);
  return rc;
}
