/*
 * neo4j_http.h - the native transport of the Neo4j store: POST of a Query API request body with
 * libcurl (Basic auth, JSON, connect and total timeouts, TLS verification on), retried with
 * backoff when the server is unreachable, answers 5xx or a Neo.TransientError; never for client
 * errors. The answer goes through the core's parser. Credentials never reach any message.
 */
#ifndef FW_NEO4J_HTTP_H
#define FW_NEO4J_HTTP_H

#include "cli.h"

/* The largest Neo4j answer read by default: 64 MiB (FOREWARN_NEO4J_MAX_RESPONSE_BYTES). */
#define NEO4J_DEFAULT_MAX_RESPONSE (64L * 1024 * 1024)

typedef struct neo4j_conn {
  char base[1024];   /* scheme://host:port[/path], without credentials or trailing slash */
  char user[256];
  char pass[512];
  char db[128];
  long connect_ms, total_ms;
  int retries;       /* attempts after the first */
  long backoff_ms;   /* the wait before the first retry, doubled after each (up to 5 s) */
  size_t max_response; /* the largest answer body read, in bytes (headers: 256 KiB) */
  unsigned long requests; /* HTTP requests sent (benchmarks, FOREWARN_NEO4J_STATS) */
  void *curl;
} neo4j_conn;

/* Is a --store value (or FOREWARN_STORE) a Neo4j store: "neo4j", "neo4j+http://...",
 * "neo4j+https://..."? */
bool neo4j_store_spec(const char *spec);

/* Configure from the spec and NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD / NEO4J_DATABASE
 * (FOREWARN_NEO4J_CONNECT_TIMEOUT_MS, FOREWARN_NEO4J_TIMEOUT_MS, FOREWARN_NEO4J_RETRIES,
 * FOREWARN_NEO4J_BACKOFF_MS tune the transport; a value that is not an integer in range is a
 * usage error). Prints what is wrong and returns an exit code. */
int neo4j_conn_init(const char *spec, neo4j_conn *c);

void neo4j_conn_close(neo4j_conn *c);

/* Send one request body; on success *parsed is fw_neo4j_parse()'s output (caller fw_free()s). */
fw_status neo4j_request(neo4j_conn *c, const char *body, char **parsed, fw_error *err);

#endif
