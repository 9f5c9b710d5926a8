/* neo4j_conn.c - the Neo4j connection settings (see neo4j_http.h): which --store values name
 * Neo4j, the URL parsed with libcurl's URL API, credentials and transport settings from the
 * environment. The requests themselves are in neo4j_http.c. */
#include "neo4j_http.h"

#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Anything that names Neo4j or looks like a URL is a Neo4j spec, refused there when it is not
 * one forewarn speaks: taken as a file path, "neo4j+bolt://user:pw@host" would create a folder
 * and a lock file named after the password. */
bool neo4j_store_spec(const char *spec) {
  return spec && (strcmp(spec, "neo4j") == 0 || strncmp(spec, "neo4j+", 6) == 0 || strstr(spec, "://"));
}

/* A transport setting from the environment: unset or empty keeps the default; anything but a
 * decimal integer in [min, max] is a usage error (a typo must not silently mean "no retries"). */
static bool env_long(const char *name, long fallback, long min, long max, long *out) {
  const char *v = getenv(name);
  *out = fallback;
  if (!v || !*v) return true;
  char *end;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (*v < '0' || *v > '9' || *end || errno || n < min || n > max) {
    fprintf(stderr, "forewarn: %s must be an integer from %ld to %ld, not '%s'\n", name, min, max, v);
    return false;
  }
  *out = n;
  return true;
}

/* Copy a setting into its fixed buffer; one that does not fit is refused rather than cut (a cut
 * password would fail as "authentication failed" with no hint why). The value is never printed. */
static bool copy_setting(char *dst, size_t cap, const char *src, const char *name) {
  if (strlen(src) >= cap) {
    fprintf(stderr, "forewarn: %s is longer than %zu bytes\n", name, cap - 1);
    return false;
  }
  memcpy(dst, src, strlen(src) + 1);
  return true;
}

/* One part of a parsed URL, percent-decoded, into dst ("" when the URL has none). A part that
 * does not decode (a control character such as %00) is an error; its text is not printed. */
static bool url_part(CURLU *u, CURLUPart part, char *dst, size_t cap, const char *what, const char *name) {
  char *v = NULL;
  CURLUcode rc = curl_url_get(u, part, &v, CURLU_URLDECODE);
  dst[0] = '\0';
  if (rc == CURLUE_NO_USER || rc == CURLUE_NO_PASSWORD) return true;
  bool ok = rc == CURLUE_OK && strlen(v) < cap;
  if (ok) memcpy(dst, v, strlen(v) + 1);
  else if (rc == CURLUE_OK) fprintf(stderr, "forewarn: %s: the %s is longer than %zu bytes\n", what, name, cap - 1);
  else fprintf(stderr, "forewarn: %s: the %s is not valid: %s\n", what, name, curl_url_strerror(rc));
  curl_free(v);
  return ok;
}

/* The URL's scheme must be http or https: neo4j://, bolt:// and a bare HOST:PORT are refused
 * with the reason, since forewarn speaks the HTTP Query API only. */
static bool http_scheme(CURLU *u, const char *what) {
  char *scheme = NULL;
  bool ok = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
            (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
  curl_free(scheme);
  if (!ok)
    fprintf(stderr, "forewarn: %s must be an http:// or https:// URL: forewarn talks to Neo4j's HTTP Query API, not Bolt\n", what);
  return ok;
}

/* "/db/NAME/query/v2" is appended to the base, so a query or fragment would swallow it. */
static bool no_query(CURLU *u, const char *what) {
  char *v = NULL;
  bool has = curl_url_get(u, CURLUPART_QUERY, &v, 0) == CURLUE_OK;
  curl_free(v);
  v = NULL;
  has = has || curl_url_get(u, CURLUPART_FRAGMENT, &v, 0) == CURLUE_OK;
  curl_free(v);
  if (has) fprintf(stderr, "forewarn: %s must not have a query (?...) or fragment (#...): it is the server's base URL\n", what);
  return !has;
}

/* The base URL (scheme://host[:port][/path], no trailing slash) rebuilt by curl with the user
 * name and password removed: it is what every message and output line shows. */
static bool url_base(CURLU *u, neo4j_conn *c, const char *what) {
  char *v = NULL;
  curl_url_set(u, CURLUPART_USER, NULL, 0);
  curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
  curl_url_set(u, CURLUPART_OPTIONS, NULL, 0);
  bool ok = curl_url_get(u, CURLUPART_URL, &v, 0) == CURLUE_OK && strlen(v) < sizeof c->base;
  if (ok) memcpy(c->base, v, strlen(v) + 1);
  else fprintf(stderr, "forewarn: %s is longer than %zu bytes\n", what, sizeof c->base - 1);
  curl_free(v);
  size_t n = strlen(c->base);
  while (n && c->base[n - 1] == '/') c->base[--n] = '\0';
  return ok;
}

/* Parse the URL with libcurl's URL API (the same parser that will send the request, so what is
 * checked is what is used): user:password@ in it is percent-decoded, so a password holding '@',
 * ':' or '/' is written %40, %3A, %2F. Nothing from the URL reaches a message: curl's reasons are
 * fixed strings, and a URL that does not parse is never echoed (its password could be anywhere). */
static int parse_url(const char *url, const char *what, neo4j_conn *c) {
  CURLU *u = curl_url();
  if (!u) {
    fprintf(stderr, "forewarn: out of memory\n");
    return EXIT_RUNTIME;
  }
  /* NON_SUPPORT_SCHEME: neo4j:// and bolt:// parse, so http_scheme() can say why they are wrong */
  CURLUcode rc = curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
  int exit_code = EXIT_OK;
  if (rc != CURLUE_OK) {
    bool login = strchr(url, '@') && (rc == CURLUE_BAD_HOSTNAME || rc == CURLUE_BAD_LOGIN ||
                                      rc == CURLUE_BAD_USER || rc == CURLUE_BAD_PASSWORD);
    fprintf(stderr, "forewarn: %s is not a valid URL: %s%s\n", what, curl_url_strerror(rc),
            login ? " (write '@', ':' and '/' in a user name or password as %40, %3A and %2F)" : "");
    exit_code = EXIT_USAGE;
  } else if (!http_scheme(u, what) || !no_query(u, what) ||
             !url_part(u, CURLUPART_USER, c->user, sizeof c->user, what, "user name") ||
             !url_part(u, CURLUPART_PASSWORD, c->pass, sizeof c->pass, what, "password") ||
             !url_base(u, c, what)) {
    exit_code = EXIT_USAGE;
  }
  curl_url_cleanup(u);
  return exit_code;
}

/* Credentials: the environment wins over the URL. NEO4J_USERNAME replaces the URL's user name
 * when it is set and not empty; NEO4J_PASSWORD replaces the URL's password whenever it is set,
 * even empty (an empty password is a real value). Without either, the user is "neo4j". */
static bool read_credentials(neo4j_conn *c) {
  const char *user = getenv("NEO4J_USERNAME"), *pass = getenv("NEO4J_PASSWORD"), *db = getenv("NEO4J_DATABASE");
  if (user && *user && !copy_setting(c->user, sizeof c->user, user, "NEO4J_USERNAME")) return false;
  if (pass && !copy_setting(c->pass, sizeof c->pass, pass, "NEO4J_PASSWORD")) return false;
  if (!c->user[0]) snprintf(c->user, sizeof c->user, "neo4j");
  return copy_setting(c->db, sizeof c->db, db && *db ? db : "neo4j", "NEO4J_DATABASE");
}

static bool read_transport(neo4j_conn *c) {
  long retries, max_response;
  if (!env_long("FOREWARN_NEO4J_CONNECT_TIMEOUT_MS", 5000, 0, 86400000L, &c->connect_ms) ||
      !env_long("FOREWARN_NEO4J_TIMEOUT_MS", 60000, 0, 86400000L, &c->total_ms) ||
      !env_long("FOREWARN_NEO4J_RETRIES", 3, 0, 1000, &retries) ||
      !env_long("FOREWARN_NEO4J_BACKOFF_MS", 250, 0, 600000L, &c->backoff_ms) ||
      !env_long("FOREWARN_NEO4J_MAX_RESPONSE_BYTES", NEO4J_DEFAULT_MAX_RESPONSE, 1, LONG_MAX, &max_response))
    return false;
  c->retries = (int)retries;
  c->max_response = (size_t)max_response;
  return true;
}

int neo4j_conn_init(const char *spec, neo4j_conn *c) {
  memset(c, 0, sizeof *c);
  bool from_spec = spec && strcmp(spec, "neo4j") != 0;
  if (from_spec && strncmp(spec, "neo4j+", 6) != 0) { /* never echoed: it may hold a password */
    fprintf(stderr, "forewarn: the --store/FOREWARN_STORE value is a URL, not a file path: a Neo4j store is "
                    "neo4j+http://HOST:PORT or neo4j+https://HOST:PORT\n");
    return EXIT_USAGE;
  }
  const char *url = from_spec ? spec + 6 /* after "neo4j+" */ : getenv("NEO4J_URI");
  const char *what = from_spec ? "the --store/FOREWARN_STORE URL" : "NEO4J_URI";
  if (!url || !*url) {
    fprintf(stderr, "forewarn: the Neo4j store needs NEO4J_URI (http:// or https://) or --store neo4j+http://HOST:PORT\n");
    return EXIT_USAGE;
  }
  if (!strstr(url, "://")) { /* HOST:PORT would parse as scheme "HOST": say what is missing */
    fprintf(stderr, "forewarn: %s must be an http:// or https:// URL: forewarn talks to Neo4j's HTTP Query API, not Bolt\n", what);
    return EXIT_USAGE;
  }
  int rc = parse_url(url, what, c);
  if (rc != EXIT_OK) return rc;
  if (!read_credentials(c) || !read_transport(c)) return EXIT_USAGE;
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
