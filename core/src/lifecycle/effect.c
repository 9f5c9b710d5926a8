/*
 * effect.c - the measured effect of a lesson: lift = (recurrence rate when withheld) -
 * (recurrence rate when injected), with a 95 % interval for a difference of two independent
 * proportions by Newcombe's hybrid score method (Newcombe 1998, method 10): each rate gets its
 * Wilson score interval and the difference's bounds combine their distances. It stays inside
 * [-1, 1], is never degenerate at 0 or 1 recurrences, and keeps close to 95 % coverage at the
 * small arm sizes a few dozen runs give, where the Wald interval collapses to a point.
 */
#include "lifecycle.h"

#include <math.h>
#include <stdio.h>

#include "json_out.h"

#define Z95 1.959963984540054

/* Wilson score interval of k successes in n trials. */
static void wilson(long long k, long long n, double *lo, double *hi) {
  double p = (double)k / (double)n, nn = (double)n, z2 = Z95 * Z95;
  double centre = (p + z2 / (2.0 * nn)) / (1.0 + z2 / nn);
  double half = Z95 / (1.0 + z2 / nn) * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
  *lo = centre - half < 0.0 ? 0.0 : centre - half;
  *hi = centre + half > 1.0 ? 1.0 : centre + half;
}

void fw__effect_of(long long n1, long long k1, long long n2, long long k2, long long min_exposures,
                   fw_effect *e) {
  e->injected = n1;
  e->injected_recurred = k1 > n1 ? n1 : k1;
  e->withheld = n2;
  e->withheld_recurred = k2 > n2 ? n2 : k2;
  e->measured = n1 >= min_exposures && n2 >= min_exposures && n1 > 0 && n2 > 0;
  e->lift = e->low = e->high = 0.0;
  if (!e->measured) return;
  double p1 = (double)e->injected_recurred / (double)n1, p2 = (double)e->withheld_recurred / (double)n2;
  double l1, u1, l2, u2;
  wilson(e->injected_recurred, n1, &l1, &u1);
  wilson(e->withheld_recurred, n2, &l2, &u2);
  e->lift = p2 - p1;
  e->low = e->lift - sqrt((p2 - l2) * (p2 - l2) + (u1 - p1) * (u1 - p1));
  e->high = e->lift + sqrt((u2 - p2) * (u2 - p2) + (p1 - l1) * (p1 - l1));
}

/* A rate as a raw JSON number with 4 places: the same bytes from every build. */
static cJSON *rounded(double v) {
  char text[32];
  if (v > -0.00005 && v < 0.00005) v = 0.0; /* never "-0.0000" */
  snprintf(text, sizeof text, "%.4f", v);
  return cJSON_CreateRaw(text);
}

cJSON *fw__effect_json(const fw_effect *e) {
  cJSON *o = cJSON_CreateObject();
  fw__json_int(o, "injected", e->injected);
  fw__json_int(o, "injected_recurred", e->injected_recurred);
  fw__json_int(o, "withheld", e->withheld);
  fw__json_int(o, "withheld_recurred", e->withheld_recurred);
  if (e->measured) {
    fw__json_add(o, "lift", rounded(e->lift));
    cJSON *ci = cJSON_CreateArray();
    cJSON_AddItemToArray(ci, rounded(e->low));
    cJSON_AddItemToArray(ci, rounded(e->high));
    fw__json_add(o, "ci95", ci);
  } else {
    fw__json_add(o, "lift", cJSON_CreateNull());
    fw__json_add(o, "ci95", cJSON_CreateNull());
  }
  fw__json_ref(o, "method", FW_EFFECT_METHOD);
  return o;
}
