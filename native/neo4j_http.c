/* neo4j_http.c - see neo4j_http.h: one Query API request with bounded answers, retries and
 * messages that never hold a credential. The connection settings are in neo4j_conn.c. */
#include "neo4j_http.h"

#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The longest wait between two attempts, unless FOREWARN_NEO4J_BACKOFF_MS asks for more. */
#define BACKOFF_CAP_MS 5000L

/* The answer's headers are bounded on their own, below libcurl's 300 KiB (8.3+; older versions
 * keep every header without a bound): Neo4j's are well under 1 KiB, and the body limit may be
 * set lower than a normal set of headers. */
#define HEADER_LIMIT (256 * 1024)

/* The answer being received. Memory is bounded by the limit: the buffer never grows past
 * limit + 1 bytes. */
typedef struct sink {
  char *data;
  size_t len, cap;
  size_t header_len;
  size_t limit;
  bool failed, too_large, headers_too_large;
} sink;

/* Grow to hold need bytes: doubling, but never past limit + 1 (need is at most that). */
static bool sink_reserve(sink *s, size_t need) {
  if (need <= s->cap) return true;
  size_t cap = s->cap ? s->cap : 4096;
  while (cap < need) cap = cap > s->limit / 2 ? s->limit + 1 : cap * 2;
  if (cap > s->limit + 1) cap = s->limit + 1;
  char *grown = realloc(s->data, cap);
  if (!grown) return false;
  s->data = grown;
  s->cap = cap;
  return true;
}

/* curl's write callback: a short count stops the transfer (CURLE_WRITE_ERROR) the moment the
 * body passes the limit, so a hostile server streaming without end costs at most the limit. */
static size_t on_data(char *ptr, size_t size, size_t nmemb, void *user) {
  sink *s = user;
  size_t n = size * nmemb;
  if (n > s->limit - s->len) {
    s->too_large = true;
    return 0;
  }
  if (!sink_reserve(s, s->len + n + 1)) {
    s->failed = true;
    return 0;
  }
  memcpy(s->data + s->len, ptr, n);
  s->len += n;
  s->data[s->len] = '\0';
  return n;
}

/* curl's header callback: only counts, so endless headers stop at HEADER_LIMIT. */
static size_t on_header(char *ptr, size_t size, size_t nmemb, void *user) {
  (void)ptr;
  sink *s = user;
  size_t n = size * nmemb;
  if (n > HEADER_LIMIT - s->header_len) {
    s->headers_too_large = true;
    return 0;
  }
  s->header_len += n;
  return n;
}

static fw_status too_large(fw_error *err, const char *base, bool headers, size_t limit) {
  if (err) {
    memset(err, 0, sizeof *err);
    err->code = FW_ERR_NEO4J;
    if (headers)
      snprintf(err->message, sizeof err->message,
               "Neo4j at %s: the answer's headers are larger than the limit of %d bytes", base, HEADER_LIMIT);
    else
      snprintf(err->message, sizeof err->message,
               "Neo4j at %s: the answer is larger than the limit of %zu bytes (FOREWARN_NEO4J_MAX_RESPONSE_BYTES)", base, limit);
  }
  return FW_ERR_NEO4J;
}

static fw_status out_of_memory(fw_error *err, const char *base) {
  if (err) {
    memset(err, 0, sizeof *err);
    err->code = FW_ERR_NOMEM;
    snprintf(err->message, sizeof err->message, "out of memory reading the answer of Neo4j at %s", base);
  }
  return FW_ERR_NOMEM;
}

/* The server's answer was an error or unreadable: say which server (as the transport's
 * messages do), since a CLI run may talk to more than one configuration. */
static void name_server(fw_error *err, const char *base) {
  if (!err) return;
  char msg[sizeof err->message];
  snprintf(msg, sizeof msg, "Neo4j at %s: %s", base, err->message);
  memcpy(err->message, msg, sizeof msg);
}

/* Defence in depth: a hostile or misconfigured server could echo the password in its error
 * message, which the core copies into err. Every occurrence is masked before anyone prints it.
 * Passwords under 4 bytes are left alone: masking them would garble the message, and Neo4j
 * refuses passwords under 8 bytes anyway. */
static void mask_password(char *msg, const char *pass) {
  size_t n = strlen(pass);
  if (n < 4) return;
  for (char *p = strstr(msg, pass); p; p = strstr(p + 3, pass)) {
    memcpy(p, "***", 3);
    memmove(p + 3, p + n, strlen(p + n) + 1);
  }
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
    sink s = {.limit = c->max_response};
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
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &s);
    /* a Content-Length over the limit fails at once (CURLE_FILESIZE_EXCEEDED), before any body */
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_response);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_msg);
    curl_msg[0] = '\0';
    c->requests++;
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    bool retry = false;
    if (s.too_large || s.headers_too_large || rc == CURLE_FILESIZE_EXCEEDED) {
      /* the same answer would come again: not retried */
      st = too_large(err, c->base, s.headers_too_large, c->max_response);
    } else if (s.failed) {
      st = out_of_memory(err, c->base); /* not "unreachable": the write error was ours */
    } else if (rc != CURLE_OK) {
      /* curl's message names the host and port, never the credentials */
      st = unreachable(err, c->base, curl_msg[0] ? curl_msg : curl_easy_strerror(rc), attempt + 1);
      retry = transport_transient(rc);
    } else {
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
      st = fw_neo4j_parse((int)status, s.data, s.len, parsed, err);
      if (st != FW_OK) name_server(err, c->base);
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
  if (st != FW_OK && err) mask_password(err->message, c->pass);
  return st;
}
