/* test_normalize.c - message templates and error_message_pattern. */
#include "fixture.h"
#include "normalize_internal.h"

static char *tpl(const char *msg) {
  char *out = NULL;
  fw_error err;
  if (fw_normalize_message(msg, strlen(msg), &out, &err) != FW_OK) return NULL;
  return out;
}

static void same_template(const char *x, const char *y) {
  char *a = tpl(x), *b = tpl(y);
  CHECK_STR(a, b);
  fw_free(a);
  fw_free(b);
}

static void template_is(const char *msg, const char *expected) {
  char *t = tpl(msg);
  CHECK_STR(t, expected);
  fw_free(t);
}

/* The regex of a message must match the message itself and compile. */
static void pattern_matches(const char *msg) {
  fw_buf t, r;
  fw_buf_init(&t);
  fw_buf_init(&r);
  CHECK(fw__normalize(fixture_rules->normalizer, NULL, fixture_cl->md, fixture_cl->mctx, msg, strlen(msg), &t, &r) == FW_OK);
  fw_error err;
  pcre2_code *re = fw__regex_compile(r.data, &err, "pattern");
  CHECK(re != NULL);
  if (re) {
    int m = fw__match(fixture_cl, re, msg, strlen(msg), 0);
    if (m != 1) fprintf(stderr, "pattern %s does not match %s\n", r.data, msg);
    CHECK(m == 1);
    pcre2_code_free(re);
  }
  fw_buf_free(&t);
  fw_buf_free(&r);
}

/* The lite masks, used past the last '@', ":/" and ":\\", give the full masks' template and
 * regex. */
static void lite_same(const char *msg) {
  fw_buf t[2], r[2];
  for (int i = 0; i < 2; i++) {
    fw_buf_init(&t[i]);
    fw_buf_init(&r[i]);
    CHECK(fw__normalize(fixture_rules->normalizer, i ? fixture_rules->normalizer_lite : NULL,
                        fixture_cl->md, fixture_cl->mctx, msg, strlen(msg), &t[i], &r[i]) == FW_OK);
  }
  CHECK_STR(t[1].data ? t[1].data : "", t[0].data ? t[0].data : "");
  CHECK_STR(r[1].data ? r[1].data : "", r[0].data ? r[0].data : "");
  for (int i = 0; i < 2; i++) {
    fw_buf_free(&t[i]);
    fw_buf_free(&r[i]);
  }
}

int main(void) {
  fixture_init();
  lite_same("see http://x.com/a then a:'b', port:5432 and `t` 0x1f");
  lite_same("C:\\Users\\me\\f.txt then 'x' 12 and D:/tmp/a/b, -3.5e7");
  lite_same("mail a@b.cd, 0xff, path /a/b/c, \"dq\" 2024-01-02T03:04:05Z 10.0.0.1");
  lite_same("x@y then e:/a/b and 9700ef87-d793-4ec4-bbe6-7a1736b14dba deadbeefcafe1234 :/ :\\");
  lite_same("no specials at all: 'a' \"b\" c:5 d:'e' 12:34:56");
  lite_same("");
  template_is("null value in column \"name\" of relation \"products\" violates not-null constraint",
              "null value in column <str> of relation <str> violates not-null constraint");
  template_is("(1062, \"Duplicate entry 'x@y.z' for key 'email'\")",
              "(<num>, \"Duplicate entry <str> for key <str>\")");
  template_is("Parent instance <Post at 0x10e4fc4d0> is not bound to a Session",
              "Parent instance <Post at <hex>> is not bound to a Session");
  template_is("can't adapt type 'dict'", "can't adapt type <str>");
  template_is("Failing row contains (9700ef87-d793-4ec4-bbe6-7a1736b14dba, 2297388, http://schema.org/x, null)",
              "Failing row contains (<uuid>, <num>, <url>, null)");
  template_is("at 2024-01-02T03:04:05Z from 10.0.0.1 in /usr/lib/python3/app.py", "at <date> from <ip> in <path>");
  template_is("  several   spaces\n\n  and lines  ", "several spaces\nand lines");
  same_template("value too long for type character varying(200)", "value too long for type character varying(25)");
  same_template("Key (email)=(a@b.c) already exists.", "Key (email)=(someone@else.org) already exists.");
  same_template("invalid input syntax for type integer: \"abc\"", "invalid input syntax for type integer: \"12x\"");
  pattern_matches("duplicate key value violates unique constraint \"users_email_key\"\nDETAIL:  Key (email)=(a@b.c) already exists.");
  pattern_matches("Parent instance <Post at 0x10e4fc4d0> is not bound to a Session; lazy load operation of attribute 'topic' cannot proceed");
  pattern_matches("cannot import name 'X' from 'a.b' (/usr/lib/python3/a/b.py)");
  pattern_matches("weird [regex] chars: ^$.|?*+(){}\\ and 'quoted \\' value'");
  /* invalid UTF-8 is refused, not normalised */
  char *out = NULL;
  fw_error err;
  CHECK(fw_normalize_message("\xc3\x28", 2, &out, &err) == FW_ERR_UTF8);
  fixture_done();
  HARNESS_DONE();
}
