/*
 * classify_items.c - a text that holds several errors (a FastAPI 422 body, "N validation errors
 * for X", a list of class-validator messages) is several failures, not one: the pack's `items`
 * patterns cut the classified message block into one text per error, each classified on its
 * own, so `classify` reports every error and `ingest` records each as a violation.
 */
#include "classify_internal.h"

#include <string.h>

#define MAX_ITEMS 64

typedef struct span {
  size_t from, to;
} span;

/* Every non-overlapping match of re in s[from, to), up to MAX_ITEMS. */
static int find_all(fw_classifier *cl, const pcre2_code *re, const char *s, size_t from, size_t to,
                    span *out, size_t *n) {
  *n = 0;
  size_t at = from;
  while (at < to && *n < MAX_ITEMS) {
    int m = fw__match(cl, re, s, to, at);
    if (m <= 0) return m;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(cl->md);
    if (ov[1] <= ov[0]) { /* an empty match: move on a character */
      at = ov[0] + 1;
      continue;
    }
    out[(*n)++] = (span){ov[0], ov[1]};
    at = ov[1];
  }
  return 1;
}

/* The item texts of c's block, each after the block's header (the exception line, "2 validation
 * errors for X"), so that the item keeps its class and model. */
static fw_status item_texts(fw_classifier *cl, const fw_classification *c, char ***texts, size_t *n,
                            char **header, fw_error *err) {
  *texts = NULL;
  *n = 0;
  *header = NULL;
  const fw_regex_list *items = &cl->rules->items;
  const char *w = cl->work.data;
  span found[MAX_ITEMS];
  size_t nfound = 0;
  for (size_t i = 0; i < items->n && nfound < 2; i++) {
    int m = find_all(cl, items->re[i], w, c->span_start, c->span_end, found, &nfound);
    if (m < 0) return fw__fail(err, FW_ERR_RULE_LIMIT, "items pattern %zu exceeded the regex match limit", i);
  }
  if (nfound < 2) return FW_OK;
  /* the header: the block's text before its first item, one line at most */
  size_t hs = c->span_start, he = found[0].from;
  while (he > hs && (w[he - 1] == '\n' || w[he - 1] == ' ' || w[he - 1] == '\r')) he--;
  const char *nl = he > hs ? memchr(w + hs, '\n', he - hs) : NULL;
  if (nl) he = (size_t)(nl - w);
  char **out = fw_malloc(sizeof *out * nfound);
  *header = he > hs ? fw__strndup(w + hs, he - hs) : fw__strdup("");
  if (!out || !*header) {
    fw_free(out);
    fw_free(*header);
    *header = NULL;
    return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  }
  for (size_t k = 0; k < nfound; k++) {
    fw_buf b;
    fw_buf_init(&b);
    if (c->exception_class[0] && he > hs) {
      fw_buf_puts(&b, c->exception_class);
      fw_buf_puts(&b, ": ");
    }
    if (he > hs) {
      fw_buf_append(&b, w + hs, he - hs);
      fw_buf_putc(&b, '\n');
    }
    fw_buf_append(&b, w + found[k].from, found[k].to - found[k].from);
    out[k] = b.failed ? NULL : fw_buf_take(&b);
    if (!out[k]) {
      fw_buf_free(&b);
      for (size_t q = 0; q < k; q++) fw_free(out[q]);
      fw_free(out);
      fw_free(*header);
      *header = NULL;
      return fw__fail(err, FW_ERR_NOMEM, "out of memory");
    }
  }
  *texts = out;
  *n = nfound;
  return FW_OK;
}

/* The header was there for the item's class and model; its message is the item's own, so that
 * an error's template (and pattern_id) does not depend on how many others came with it. */
static fw_status drop_header(fw_classifier *cl, fw_classification *c, const char *header,
                             fw_error *err) {
  size_t hn = strlen(header);
  if (!hn || strncmp(c->message, header, hn) != 0) return FW_OK;
  const char *rest = c->message + hn;
  while (*rest == '\n' || *rest == ' ' || *rest == '\r') rest++;
  if (!*rest) return FW_OK;
  char *own = fw__strdup(rest);
  if (!own) return fw__fail(err, FW_ERR_NOMEM, "out of memory");
  fw_free(c->message);
  c->message = own;
  return fw__classification_template(cl, c, err);
}

fw_status fw__classify_items(fw_classifier *cl, const fw_classification *c,
                             const fw_classify_options *opts, fw_classification **out, size_t *n,
                             fw_error *err) {
  *out = NULL;
  *n = 0;
  if (c->category == (size_t)-1 ||
      strcmp(cl->rules->categories[c->category].error_type, "validation") != 0)
    return FW_OK;
  char **texts, *header;
  size_t nt;
  fw_status st = item_texts(cl, c, &texts, &nt, &header, err);
  if (st != FW_OK || nt == 0) return st;
  fw_classification *items = fw_malloc(sizeof *items * nt);
  if (!items) st = fw__fail(err, FW_ERR_NOMEM, "out of memory");
  size_t done = 0;
  for (; st == FW_OK && done < nt; done++) {
    st = fw__classify_checked(cl, texts[done], strlen(texts[done]), opts, true, &items[done], err);
    if (st == FW_OK) st = drop_header(cl, &items[done], header, err);
    if (st != FW_OK) fw__classification_clear(&items[done]);
  }
  for (size_t k = 0; k < nt; k++) fw_free(texts[k]);
  fw_free(texts);
  fw_free(header);
  if (st != FW_OK && cl->over_budget) st = fw__budget_fail(cl, err); /* the items share the text's budget */
  if (st != FW_OK) {
    fw__classifications_free(items, done);
    return st;
  }
  /* an item no rule knows was not an error of this kind (a pattern cut a line that only looked
   * like one): keep the known ones, and split only when two or more remain */
  size_t kept = 0;
  for (size_t k = 0; k < nt; k++) {
    if (items[k].category == (size_t)-1) fw__classification_clear(&items[k]);
    else items[kept++] = items[k];
  }
  if (kept < 2) {
    fw__classifications_free(items, kept);
    return FW_OK;
  }
  *out = items;
  *n = kept;
  return FW_OK;
}

void fw__classifications_free(fw_classification *items, size_t n) {
  for (size_t k = 0; items && k < n; k++) fw__classification_clear(&items[k]);
  fw_free(items);
}
