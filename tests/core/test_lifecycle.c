/* test_lifecycle.c - a lesson's measured effect (Newcombe's interval against the published
 * values), its states (person, no effect, not seen and back, escalated), its benefit ranking,
 * the holdout arm through a store, and enhance's holdout, retirement and budget cut. */
#include "harness.h"
#include "lifecycle.h"
#include "json_out.h"

#include <math.h>
#include <stdlib.h>

#define NEAR(a, b) (fabs((a) - (b)) < 0.00006)

/* Newcombe (1998), "Interval estimation for the difference between independent proportions",
 * Statistics in Medicine 17:873-890, table II, method 10 (score, no continuity correction). Our
 * lift is withheld rate - injected rate, so the first proportion is the withheld arm. */
static void newcombe_published(void) {
  static const struct { long long k2, n2, k1, n1; double lo, hi; } cases[] = {
      {56, 70, 48, 80, 0.0524, 0.3339}, {9, 10, 3, 10, 0.1705, 0.8090},
      {5, 56, 0, 29, -0.0381, 0.1926}, {0, 10, 0, 20, -0.1611, 0.2775}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    fw_effect e;
    fw__effect_of(cases[i].n1, cases[i].k1, cases[i].n2, cases[i].k2, 5, &e);
    CHECK(e.measured);
    CHECK(NEAR(e.lift, (double)cases[i].k2 / cases[i].n2 - (double)cases[i].k1 / cases[i].n1));
    if (!NEAR(e.low, cases[i].lo) || !NEAR(e.high, cases[i].hi))
      fprintf(stderr, "case %zu: [%.4f, %.4f], published [%.4f, %.4f]\n", i, e.low, e.high, cases[i].lo, cases[i].hi);
    CHECK(NEAR(e.low, cases[i].lo));
    CHECK(NEAR(e.high, cases[i].hi));
  }
  fw_effect small;
  fw__effect_of(10, 1, 4, 3, 5, &small); /* an arm under the minimum: no effect reported */
  CHECK(!small.measured);
  cJSON *j = fw__effect_json(&small);
  CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "lift")) && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "ci95")));
  CHECK(fw__json_get_int(j, "withheld_recurred") == 3);
  cJSON_Delete(j);
}

static fw_pattern pattern(long long n1, long long k1, long long n2, long long k2, long long seen) {
  fw_pattern p;
  memset(&p, 0, sizeof p);
  p.id = "ap1-x";
  p.times_injected = n1, p.times_recurred_injected = k1, p.times_prevented = n1 - k1;
  p.times_withheld = n2, p.times_recurred_withheld = k2, p.last_seen_run = seen;
  return p;
}

static void states(void) {
  fw_lifecycle_options def = {0};
  fw_pattern fresh = pattern(0, 0, 0, 0, -1);
  CHECK(fw__pattern_state(&fresh, 100, &def).state == FW_STATE_ACTIVE); /* unknown last sighting: kept */
  fw_pattern useless = pattern(2000, 600, 2000, 580, 99);
  fw_lesson_state st = fw__pattern_state(&useless, 100, &def);
  CHECK(st.state == FW_STATE_RETIRED && strcmp(st.reason, "no_effect") == 0);
  fw_pattern few = pattern(10, 3, 10, 3, 99); /* no effect either, but the interval is wide */
  CHECK(fw__pattern_state(&few, 100, &def).state == FW_STATE_ACTIVE);
  fw_pattern early = pattern(8, 7, 8, 1, 99); /* looks harmful, its bound below 0: too few slots */
  fw_effect e;
  fw__effect_of(8, 7, 8, 1, 5, &e);
  CHECK(e.measured && e.high < 0.0);
  CHECK(fw__pattern_state(&early, 100, &def).state == FW_STATE_ESCALATED);
  fw_lifecycle_options eager = {0, false, 0, 0, 5};
  CHECK(fw__pattern_state(&early, 100, &eager).state == FW_STATE_RETIRED);
  fw_pattern good = pattern(50, 5, 50, 30, 99);
  CHECK(fw__pattern_state(&good, 100, &def).state == FW_STATE_ACTIVE);
  fw_pattern always = pattern(30, 0, 0, 0, 70); /* never withheld: unseen may mean prevented */
  CHECK(fw__pattern_state(&always, 100, &def).state == FW_STATE_ACTIVE);
  fw_pattern quiet = pattern(30, 0, 20, 0, 70); /* not seen for 30 runs, withheld or not */
  st = fw__pattern_state(&quiet, 100, &def);
  CHECK(st.state == FW_STATE_RETIRED && strcmp(st.reason, "not_seen") == 0);
  quiet.last_seen_run = 100; /* its error came back */
  CHECK(fw__pattern_state(&quiet, 100, &def).state == FW_STATE_ACTIVE);
  fw_lifecycle_options never = {0, false, 0, -1, 0};
  quiet.last_seen_run = 1;
  CHECK(fw__pattern_state(&quiet, 100, &never).state == FW_STATE_ACTIVE);
  fw_pattern stubborn = pattern(4, 3, 0, 0, 100);
  st = fw__pattern_state(&stubborn, 100, &def);
  CHECK(st.state == FW_STATE_ESCALATED && strcmp(st.reason, "recurring") == 0);
  snprintf(good.decision, sizeof good.decision, "retired");
  st = fw__pattern_state(&good, 100, &def);
  CHECK(st.state == FW_STATE_RETIRED && strcmp(st.reason, "person") == 0);
  snprintf(useless.decision, sizeof useless.decision, "active"); /* kept by a person */
  st = fw__pattern_state(&useless, 100, &def);
  CHECK(st.state == FW_STATE_ACTIVE && strcmp(st.reason, "person") == 0);
  fw_lifecycle_options strict = {0.3, true, 0, 0, 0}; /* a lift of 0.1: useful by the default only */
  fw_pattern modest = pattern(100, 50, 100, 60, 99);
  CHECK(fw__pattern_state(&modest, 100, &strict).state == FW_STATE_RETIRED);
  CHECK(fw__pattern_state(&modest, 100, &def).state == FW_STATE_ACTIVE);
}

static void benefit(void) {
  fw_lifecycle_options def = {0};
  fw_pattern fresh = pattern(3, 1, 2, 1, 5);
  CHECK(fw__pattern_benefit(&fresh, 7, &def) == 7.0); /* unmeasured: the frequency */
  CHECK(fw__pattern_benefit(NULL, 4, &def) == 4.0);
  fw_pattern good = pattern(50, 5, 50, 30, 5), useless = pattern(50, 20, 50, 20, 5), worse = pattern(50, 30, 50, 10, 5);
  double g = fw__pattern_benefit(&good, 10, &def), u = fw__pattern_benefit(&useless, 40, &def),
         w = fw__pattern_benefit(&worse, 40, &def);
  CHECK(g > 7.5 && g <= 10.0);
  CHECK(u < g); /* four times as frequent, no effect: ranked after the one that works */
  CHECK(w < 0.0);
}

static char *apply(fw_store *s, const char *cs) {
  char *out = NULL;
  fw_error err;
  if (fw_store_apply(s, cs, strlen(cs), &out, &err) != FW_OK) fprintf(stderr, "apply: %s\n", err.message);
  return out;
}

#define PATTERN(ID, ENTITY)                                                                        \
  "{\"pattern_id\": \"" ID "\", \"error_type\": \"database\", \"category\": \"nullable_missing\","    \
  " \"exception_class\": \"IntegrityError\", \"entity_pattern\": \"" ENTITY "\", \"endpoint_pattern\": "\
  "\"POST /{entities}\", \"field_pattern\": \"nullable:name\", \"remediation\": \"set " ID "\","      \
  " \"correct_code_snippet\": \"name: str\"}"

static void store_arms(void) {
  fw_store *s;
  fw_error err;
  CHECK(fw_store_new(&s, &err) == FW_OK);
  char *r = apply(s, "{\"run_id\": \"r1\", \"now\": \"t1\", \"violations\": 2, \"observations\": [{\"pattern\": " PATTERN("ap1-a", "Product")
                     ", \"count\": 2}], \"unclassified\": [], \"injections\": []}");
  CHECK(r && !strstr(r, "withheld")); /* no holdout: the result as before */
  fw_free(r);
  r = apply(s, "{\"run_id\": \"r2\", \"now\": \"t2\", \"violations\": 1, \"observations\": [{\"pattern\": " PATTERN("ap1-a", "Product")
               ", \"count\": 1}], \"unclassified\": [], \"injections\": [{\"pattern_id\": \"ap1-a\", \"withheld\": true, \"recurred\": true},"
               " {\"pattern_id\": \"ap1-b\", \"withheld\": true, \"recurred\": false}]}");
  CHECK(r && strstr(r, "\"prevented\":0,\"not_prevented\":0,\"withheld\":1,\"withheld_recurred\":1"));
  fw_free(r);
  char *p = NULL;
  CHECK(fw_store_get(s, "ap1-a", &p, &err) == FW_OK);
  CHECK(p && strstr(p, "\"times_injected\":0,\"times_recurred_after_injection\":0,\"times_withheld\":1,"
                       "\"times_recurred_when_withheld\":1,\"last_seen_run\":2"));
  fw_free(p);
  char *stats = NULL;
  CHECK(fw_store_stats(s, &stats, &err) == FW_OK);
  CHECK(stats && strstr(stats, "\"withheld\":1,\"withheld_recurred\":1,\"prevention_rate\"")); /* the run record */
  CHECK(stats && strstr(stats, "\"verdict\":\"not_enough_data\""));
  fw_free(stats);
  /* a person's decision, kept through the document */
  CHECK(fw_store_decide(s, "ap1-a", "retired", "t3", &err) == FW_OK);
  CHECK(fw_store_decide(s, "ap1-zz", "retired", "t3", &err) == FW_ERR_ARG);
  CHECK(fw_store_decide(s, "ap1-a", "paused", "t3", &err) == FW_ERR_ARG);
  char *doc = NULL, *lessons = NULL;
  CHECK(fw_store_to_json(s, &doc, &err) == FW_OK);
  fw_store *copy;
  CHECK(fw_store_new(&copy, &err) == FW_OK);
  CHECK(doc && fw_store_load(copy, doc, strlen(doc), &err) == FW_OK);
  CHECK(fw_store_lessons(copy, NULL, "retired", &lessons, &err) == FW_OK);
  CHECK(lessons && strstr(lessons, "\"decision\":\"retired\",\"decision_at\":\"t3\",\"state\":\"retired\",\"state_reason\":\"person\""));
  fw_free(lessons);
  CHECK(fw_store_lessons(copy, NULL, "active", &lessons, &err) == FW_OK);
  CHECK_STR(lessons, "[]");
  fw_free(lessons);
  CHECK(fw_store_lessons(copy, NULL, "sleeping", &lessons, &err) == FW_ERR_ARG);
  /* a store written before the holdout loads unchanged: no last sighting, zero arms */
  const char *old = "{\"format\": \"forewarn-store\", \"version\": 1, \"patterns\": [" PATTERN("ap1-o", "Order")
                    "], \"runs\": []}";
  fw_store *o;
  CHECK(fw_store_new(&o, &err) == FW_OK);
  char buf[2048];
  snprintf(buf, sizeof buf, "%.*s, \"first_seen\": \"a\", \"last_seen\": \"b\"}], \"runs\": []}",
           (int)(strstr(old, "}], \"runs\"") - old), old);
  CHECK(fw_store_load(o, buf, strlen(buf), &err) == FW_OK);
  CHECK(fw_store_lessons(o, NULL, "active", &lessons, &err) == FW_OK);
  CHECK(lessons && strstr(lessons, "\"times_withheld\":0,\"times_recurred_when_withheld\":0,\"prevention_rate\""));
  fw_free(lessons);
  const char *bad = "{\"format\": \"forewarn-store\", \"version\": 1, \"patterns\": [{\"pattern_id\": \"x\","
                    " \"error_type\": \"a\", \"category\": \"a\", \"exception_class\": \"a\", \"entity_pattern\": \"a\","
                    " \"endpoint_pattern\": \"a\", \"field_pattern\": \"a\", \"first_seen\": \"a\", \"last_seen\": \"a\","
                    " \"decision\": \"maybe\"}]}";
  CHECK(fw_store_load(o, bad, strlen(bad), &err) == FW_ERR_SCHEMA);
  CHECK(strstr(err.message, "decision") != NULL);
  fw_store_free(o);
  fw_store_free(copy);
  fw_free(doc);
  fw_store_free(s);
}

static char *enhance(const fw_store *s, const fw_enhance_options *o, fw_status *st) {
  char *out = NULL;
  fw_error err;
  *st = fw_enhance(s, "Base.", 5, o, &out, &err);
  return out;
}

static void enhance_holdout(void) {
  fw_store *s;
  fw_error err;
  CHECK(fw_store_new(&s, &err) == FW_OK);
  fw_free(apply(s, "{\"run_id\": \"r1\", \"now\": \"t1\", \"violations\": 6, \"observations\": ["
                   "{\"pattern\": " PATTERN("ap1-a", "Product") ", \"count\": 3}, {\"pattern\": " PATTERN("ap1-b", "Product")
                   ", \"count\": 2}], \"unclassified\": [], \"injections\": []}"));
  fw_enhance_options o = {0};
  o.scope = "entity";
  o.target = "Product";
  fw_status st;
  char *plain = enhance(s, &o, &st);
  CHECK(st == FW_OK && plain && strstr(plain, "set ap1-a") && strstr(plain, "set ap1-b") && !strstr(plain, "withheld"));
  o.holdout = 0.5;
  CHECK(enhance(s, &o, &st) == NULL && st == FW_ERR_ARG); /* no run_id */
  o.run_id = "r2";
  o.holdout = 1.5;
  CHECK(enhance(s, &o, &st) == NULL && st == FW_ERR_ARG);
  o.holdout = 1.0; /* every warning withheld: no section, all listed */
  char *all = enhance(s, &o, &st);
  CHECK(st == FW_OK && all && !strstr(all, "AVOID") && strstr(all, "\"pattern_id\":\"ap1-a\",\"scope\":\"entity\",\"target\":\"Product\","
                                                        "\"entity\":\"Product\",\"general\":false,\"withheld\":true"));
  fw_free(all);
  /* half: over many runs about half of the slots, the same choice every time */
  o.holdout = 0.5;
  int held = 0;
  char run[32];
  for (int i = 0; i < 200; i++) {
    snprintf(run, sizeof run, "run-%d", i);
    o.run_id = run;
    char *a = enhance(s, &o, &st), *b = enhance(s, &o, &st);
    CHECK(a && b && strcmp(a, b) == 0);
    for (const char *c = a; c && (c = strstr(c, "\"withheld\":true")); c++) held++;
    /* shown and withheld together are the plain prompt's picks, in its order */
    CHECK(a && (strstr(a, "set ap1-a") != NULL) != (strstr(a, "\"pattern_id\":\"ap1-a\",\"scope\":\"entity\",\"target\":\"Product\","
                                                            "\"entity\":\"Product\",\"general\":false,\"withheld\":true") != NULL));
    fw_free(a);
    fw_free(b);
  }
  CHECK(held > 160 && held < 240); /* 400 slots */
  /* a retired lesson is not injected, nor withheld */
  CHECK(fw_store_decide(s, "ap1-a", "retired", "t2", &err) == FW_OK);
  o.holdout = 0;
  char *without = enhance(s, &o, &st);
  CHECK(st == FW_OK && without && !strstr(without, "ap1-a") && strstr(without, "set ap1-b"));
  fw_free(without);
  fw_free(plain);
  fw_store_free(s);
}

static void budget_cut(void) {
  fw_store *s;
  fw_error err;
  CHECK(fw_store_new(&s, &err) == FW_OK);
  fw_free(apply(s, "{\"run_id\": \"r1\", \"now\": \"t1\", \"violations\": 3, \"observations\": [{\"pattern\": "
                   "{\"pattern_id\": \"ap1-long\", \"error_type\": \"database\", \"category\": \"nullable_missing\","
                   " \"exception_class\": \"IntegrityError\", \"entity_pattern\": \"Product\", \"endpoint_pattern\": \"*\","
                   " \"field_pattern\": \"nullable:name\", \"remediation\": \"alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu\","
                   " \"correct_code_snippet\": \"line_one = 1\\nline_two = 2\\nline_three = 3\\nline_four = 4\"}, \"count\": 3}],"
                   " \"unclassified\": [], \"injections\": []}"));
  fw_enhance_options o = {0};
  o.scope = "entity";
  o.target = "Product";
  o.budget = 60; /* inside the summary: cut at a word */
  fw_status st;
  char *out = enhance(s, &o, &st);
  cJSON *j = out ? cJSON_Parse(out) : NULL;
  const char *section = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "section"));
  CHECK(section && strlen(section) <= 60);
  const char *dots = section ? strstr(section, " ...") : NULL;
  CHECK(dots && dots[4] == '\0'); /* the mark ends the section */
  CHECK(dots && dots[-1] != ' ' && strchr("abcdefghijklmnopqrstuvwxyz", dots[-1])); /* a whole word before it */
  if (section) {
    const char *w = dots;
    while (w > section && w[-1] != ' ') w--;
    CHECK(strncmp(w, "alpha", 5) == 0 || strncmp(w, "beta", 4) == 0 || strncmp(w, "gamma", 5) == 0 ||
          strncmp(w, "delta", 5) == 0 || strncmp(w, "IntegrityError", 14) == 0 || strncmp(w, "set", 3) == 0);
  }
  cJSON_Delete(j);
  fw_free(out);
  o.budget = 170; /* inside the snippet: cut after a whole line */
  out = enhance(s, &o, &st);
  j = out ? cJSON_Parse(out) : NULL;
  section = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "section"));
  CHECK(section && strlen(section) <= 170);
  CHECK(section && strstr(section, "\n   ...") && strstr(section, "line_one = 1\n"));
  CHECK(section && !strstr(section, "line_four"));
  cJSON_Delete(j);
  fw_free(out);
  fw_store_free(s);
}

int main(void) {
  newcombe_published();
  states();
  benefit();
  store_arms();
  enhance_holdout();
  budget_cut();
  HARNESS_DONE();
}
