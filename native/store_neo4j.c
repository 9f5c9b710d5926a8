/* store_neo4j.c - see store_neo4j.h. */
#include "store_neo4j.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One request: build, send, parse. */
/* (body is passed by address: it is read after the builder, an argument beside it, ran) */
static fw_status exchange(neo4j_store *s, fw_status built, char **body, char **parsed, fw_error *err) {
  if (built != FW_OK) return built;
  fw_status st = neo4j_request(&s->conn, *body, parsed, err);
  fw_free(*body);
  *body = NULL;
  return st;
}

static long long counter(const char *parsed, const char *key) {
  cJSON *d = cJSON_Parse(parsed);
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d, "counters"), key);
  long long n = cJSON_IsNumber(v) ? v->valueint : 0; /* cJSON saturates valueint; a cast of a huge double would be UB */
  cJSON_Delete(d);
  return n;
}

fw_status neo4j_store_migrate(neo4j_store *s, long long *added, fw_error *err) {
  *added = 0;
  for (size_t i = 0; i < fw_cypher_schema_count(); i++) {
    char *body = NULL, *parsed = NULL;
    fw_status st = exchange(s, fw_cypher_schema(i, &body, err), &body, &parsed, err);
    if (st != FW_OK) return st;
    *added += counter(parsed, "constraintsAdded") + counter(parsed, "indexesAdded");
    fw_free(parsed);
  }
  s->schema_ready = true;
  return FW_OK;
}

fw_status neo4j_store_load(neo4j_store *s, const char *body, fw_store **out, fw_error *err) {
  *out = NULL;
  char *parsed = NULL, *doc = NULL;
  fw_status st = neo4j_request(&s->conn, body, &parsed, err);
  if (st == FW_OK) st = fw_neo4j_store_document(parsed, strlen(parsed), &doc, err);
  fw_free(parsed);
  if (st == FW_OK) st = fw_store_new(out, err);
  if (st == FW_OK) st = fw_store_load(*out, doc, strlen(doc), err);
  fw_free(doc);
  if (st != FW_OK) {
    fw_store_free(*out);
    *out = NULL;
  }
  return st;
}

/* Load with a built request. */
static fw_status load_with(neo4j_store *s, fw_status built, char **body, fw_store **mem, fw_error *err) {
  if (built != FW_OK) return built;
  fw_status st = neo4j_store_load(s, *body, mem, err);
  fw_free(*body);
  *body = NULL;
  return st;
}

static fw_status n_get(void *self, const char *id, char **out, fw_error *err) {
  char *body = NULL;
  fw_store *mem = NULL;
  fw_status st = load_with(self, fw_cypher_get(id, &body, err), &body, &mem, err);
  if (st == FW_OK) st = fw_store_get(mem, id, out, err);
  fw_store_free(mem);
  return st;
}

/* This ingest's token (fw_cypher_apply()): 16 bytes from /dev/urandom as 32 hex digits. */
static fw_status ingest_token(char tok[33], fw_error *err) {
  unsigned char b[16];
  size_t got = 0;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  while (fd >= 0 && got < sizeof b) {
    ssize_t n = read(fd, b + got, sizeof b - got);
    if (n > 0) got += (size_t)n;
    else if (n == 0 || errno != EINTR) break;
  }
  int why = errno;
  if (fd >= 0) close(fd);
  if (got < sizeof b) {
    memset(err, 0, sizeof *err);
    err->code = FW_ERR_ARG;
    snprintf(err->message, sizeof err->message, "no random source for the ingest token: /dev/urandom: %s",
             got ? "short read" : strerror(why));
    return FW_ERR_ARG;
  }
  for (size_t i = 0; i < sizeof b; i++) snprintf(tok + 2 * i, 3, "%02x", b[i]);
  return FW_OK;
}

static fw_status n_apply(void *self, const char *cs, size_t len, char **out, fw_error *err) {
  neo4j_store *s = self;
  *out = NULL;
  char *body = NULL, *parsed = NULL, tok[33];
  /* one token per ingest: neo4j_request() retries the same body, and the write sent again after
   * a migration carries it too, so an attempt that finds the run committed by an earlier one
   * whose answer was lost reports that attempt's result, not "already ingested" */
  fw_status st = ingest_token(tok, err);
  if (st != FW_OK) return st;
  /* one request: the write checks the schema itself; only when it is missing (a new database:
   * nothing was written) is the schema applied and the write sent again */
  st = exchange(s, fw_cypher_apply(cs, len, tok, &body, err), &body, &parsed, err);
  if (st != FW_OK && fw_neo4j_schema_missing(err) && !s->schema_ready) {
    long long added;
    st = neo4j_store_migrate(s, &added, err);
    if (st == FW_OK) st = exchange(s, fw_cypher_apply(cs, len, tok, &body, err), &body, &parsed, err);
  }
  if (st == FW_OK) st = fw_cypher_apply_result(cs, len, parsed, strlen(parsed), out, err);
  fw_free(parsed);
  return st;
}

static fw_status n_query(void *self, const char *q, size_t len, char **out, fw_error *err) {
  char *body = NULL;
  fw_store *mem = NULL;
  fw_status st = load_with(self, fw_cypher_query(q, len, &body, err), &body, &mem, err);
  if (st == FW_OK) st = fw_store_query(mem, q, len, out, err);
  fw_store_free(mem);
  return st;
}

static fw_status n_list(void *self, bool unclassified, char **out, fw_error *err) {
  char *body = NULL;
  fw_store *mem = NULL;
  fw_status st = load_with(self, fw_cypher_dump(!unclassified, &body, err), &body, &mem, err);
  if (st == FW_OK) st = fw_store_list(mem, unclassified, out, err);
  fw_store_free(mem);
  return st;
}

static fw_status n_stats(void *self, char **out, fw_error *err) {
  char *body = NULL;
  fw_store *mem = NULL;
  fw_status st = load_with(self, fw_cypher_dump(false, &body, err), &body, &mem, err);
  if (st == FW_OK) st = fw_store_stats(mem, out, err);
  fw_store_free(mem);
  return st;
}

static const fw_store_methods methods = {FW_STORE_METHODS_VERSION, "neo4j", n_get, n_apply, n_query, n_list, n_stats};

const fw_store_methods *neo4j_store_methods(void) { return &methods; }

int cli_store_open(const char *option, cli_store *s) {
  memset(s, 0, sizeof *s);
  const char *spec = option && *option ? option : getenv("FOREWARN_STORE");
  if (neo4j_store_spec(spec)) {
    int rc = neo4j_conn_init(spec, &s->neo.conn);
    if (rc != EXIT_OK) {
      neo4j_conn_close(&s->neo.conn);
      return rc;
    }
    s->neo4j = true;
    s->methods = neo4j_store_methods();
    s->self = &s->neo;
    s->path = s->neo.conn.base;
    return EXIT_OK;
  }
  s->path = file_store_path(option);
  s->methods = file_store_methods();
  s->self = (void *)s->path;
  return EXIT_OK;
}

void cli_store_close(cli_store *s) {
  if (s->neo4j) neo4j_conn_close(&s->neo.conn);
  s->neo4j = false;
}

int cli_store_load_for_enhance(cli_store *s, const fw_enhance_options *o, fw_store **out) {
  *out = NULL;
  if (!s->neo4j) {
    file_store fs;
    int rc = file_store_open(s->path, false, &fs);
    if (rc != EXIT_OK) return rc;
    *out = fs.mem; /* the document is in memory: the lock can go */
    fs.mem = NULL;
    file_store_close(&fs);
    return EXIT_OK;
  }
  fw_error err;
  char *body = NULL;
  fw_status st = o ? fw_cypher_enhance_selection(o, &body, &err) : fw_cypher_dump(true, &body, &err);
  if (st == FW_OK) st = load_with(&s->neo, st, &body, out, &err);
  if (st != FW_OK) {
    cli_report("store", &err);
    return EXIT_RUNTIME;
  }
  return EXIT_OK;
}
