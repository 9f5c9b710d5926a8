/* neo4j_http.c - see neo4j_http.h. */
#include "neo4j_http.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The longest wait between two attempts, unless FOREWARN_NEO4J_BACKOFF_MS asks for more. */
#define BACKOFF_CAP_MS 5000L

bool neo4j_store_spec(const char *spec) {
  return spec && (strcmp(spec, "neo4j") == 0 || strncmp(spec, "neo4j+http://", 13) == 0 ||
                  strncmp(spec, "neo4j+https://", 14) == 0);
}

/* A transport setting from the environment: unset or empty keeps the default; anything but a
 * decimal integer in [0, max] is a usage error (a typo must not silently mean "no retries"). */
static bool env_long(const char *name, long fallback, long max, long *out) {
  const char *v = getenv(name);
  *out = fallback;
  if (!v || !*v) return true;
  char *end;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (*v < '0' || *v > '9' || *end || errno || n > max) {
    fprintf(stderr, "forewarn: %s must be an integer from 0 to %ld, not '%s'\n", name, max, v);
    return false;
  }
  *out = n;
  return true;
}

int neo4j_conn_init(const char *spec, neo4j_conn *c) {
  memset(c, 0, sizeof *c);
  const char *url = NULL;
  if (spec && strcmp(spec, "neo4j") != 0) url = spec + 6; /* after "neo4j+" */
  else url = getenv("NEO4J_URI");
  if (!url || !*url) {
    fprintf(stderr, "forewarn: the Neo4j store needs NEO4J_URI (http:// or https://) or --store neo4j+http://HOST:PORT\n");
    return EXIT_USAGE;
  }
  if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
    fprintf(stderr, "forewarn: NEO4J_URI must be an http:// or https:// URL: forewarn talks to Neo4j's HTTP Query API, not Bolt\n");
    return EXIT_USAGE;
  }
  const char *host = strstr(url, "://") + 3;
  const char *at = strchr(host, '@'), *slash = strchr(host, '/');
  if (at && (!slash || at < slash)) {
    /* user:password@ in the URL: used when the variables do not say, never printed */
    const char *colon = memchr(host, ':', (size_t)(at - host));
    snprintf(c->user, sizeof c->user, "%.*s", (int)((colon ? colon : at) - host), host);
    if (colon) snprintf(c->pass, sizeof c->pass, "%.*s", (int)(at - colon - 1), colon + 1);
    snprintf(c->base, sizeof c->base, "%.*s%s", (int)(host - url), url, at + 1);
  } else {
    snprintf(c->base, sizeof c->base, "%s", url);
  }
  size_t n = strlen(c->base);
  while (n && c->base[n - 1] == '/') c->base[--n] = '\0';
  const char *user = getenv("NEO4J_USERNAME"), *pass = getenv("NEO4J_PASSWORD"), *db = getenv("NEO4J_DATABASE");
  if (user && *user) snprintf(c->user, sizeof c->user, "%s", user);
  if (pass) snprintf(c->pass, sizeof c->pass, "%s", pass);
  if (!c->user[0]) snprintf(c->user, sizeof c->user, "neo4j");
  snprintf(c->db, sizeof c->db, "%s", db && *db ? db : "neo4j");
  long retries;
  if (!env_long("FOREWARN_NEO4J_CONNECT_TIMEOUT_MS", 5000, 86400000L, &c->connect_ms) ||
      !env_long("FOREWARN_NEO4J_TIMEOUT_MS", 60000, 86400000L, &c->total_ms) ||
      !env_long("FOREWARN_NEO4J_RETRIES", 3, 1000, &retries) ||
      !env_long("FOREWARN_NEO4J_BACKOFF_MS", 250, 600000L, &c->backoff_ms))
    return EXIT_USAGE;
  c->retries = (int)retries;
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(c->curl = curl_easy_init())) {
    fprintf(stderr, "forewarn: libcurl could not be initialised\n");
    return EXIT_RUNTIME;
  }
  return EXIT_OK;
}

void neo4j_conn_close(neo4j_conn *c) {
  if (c->curl) {
    curl_easy_cleanup(c->curl);
    curl_global_cleanup(); /* paired with the init of this connection */
  }
  c->curl = NULL;
  if (getenv("FOREWARN_NEO4J_STATS")) fprintf(stderr, "forewarn: neo4j: %lu HTTP requests\n", c->requests);
  memset(c->pass, 0, sizeof c->pass);
}

typedef struct sink {
  char *data;
  size_t len, cap;
  bool failed;
} sink;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *user) {
  sink *s = user;
  size_t n = size * nmemb;
  if (s->len + n + 1 > s->cap) {
    size_t cap = s->cap ? s->cap : 4096;
    while (cap < s->len + n + 1) cap *= 2;
    char *grown = realloc(s->data, cap);
    if (!grown) {
      s->failed = true;
      return 0;
    }
    s->data = grown;
    s->cap = cap;
  }
  memcpy(s->data + s->len, ptr, n);
  s->len += n;
  s->data[s->len] = '\0';
  return n;
}

static fw_status unreachable(fw_error *err, const char *base, const char *why, int attempts) {
  if (err) {
    memset(err, 0, sizeof *err);
    err->code = FW_ERR_NEO4J;
    snprintf(err->message, sizeof err->message, "Neo4j at %s is unreachable: %s (%d attempt%s)", base, why,
             attempts, attempts == 1 ? "" : "s");
  }
  return FW_ERR_NEO4J;
}

static bool transport_transient(CURLcode rc) {
  return rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_GOT_NOTHING ||
         rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_PARTIAL_FILE;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

/* Database names are [A-Za-z0-9.-]; anything else is percent-encoded. */
static void encode_db(const char *db, char *out, size_t cap) {
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)db; *p && o + 4 < cap; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_')
      out[o++] = (char)*p;
    else
      o += (size_t)snprintf(out + o, cap - o, "%%%02X", *p);
  }
  out[o] = '\0';
}

fw_status neo4j_request(neo4j_conn *c, const char *body, char **parsed, fw_error *err) {
  *parsed = NULL;
  char db[400], url[1600];
  encode_db(c->db, db, sizeof db);
  snprintf(url, sizeof url, "%s/db/%s/query/v2", c->base, db);
  CURL *h = c->curl;
  struct curl_slist *headers = NULL;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Accept: application/json");
  char curl_msg[CURL_ERROR_SIZE];
  long backoff = c->backoff_ms;
  fw_status st = FW_ERR_NEO4J;
  for (int attempt = 0;; attempt++) {
    sink s = {0};
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
    curl_easy_setopt(h, CURLOPT_PASSWORD, c->pass);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->total_ms);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_msg);
    curl_msg[0] = '\0';
    c->requests++;
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    bool retry = false;
    if (rc != CURLE_OK) {
      /* curl's message names the host and port, never the credentials */
      st = unreachable(err, c->base, curl_msg[0] ? curl_msg : curl_easy_strerror(rc), attempt + 1);
      retry = transport_transient(rc);
    } else {
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
      st = s.failed ? FW_ERR_NOMEM : fw_neo4j_parse((int)status, s.data, s.len, parsed, err);
      retry = st == FW_ERR_NEO4J && fw_neo4j_transient((int)status, err);
    }
    free(s.data);
    if (st == FW_OK || !retry || attempt >= c->retries) break;
    fw_free(*parsed);
    *parsed = NULL;
    sleep_ms(backoff);
    /* doubled up to BACKOFF_CAP_MS: many retries ride out a restart without minutes-long waits */
    if (backoff < BACKOFF_CAP_MS)
      backoff = backoff * 2 < BACKOFF_CAP_MS ? backoff * 2 : BACKOFF_CAP_MS;
  }
  curl_slist_free_all(headers);
  return st;
}
