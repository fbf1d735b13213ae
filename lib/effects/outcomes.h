/* Later outcomes of each customer around an index interaction (docs/effects.md defines them):
 * a "panel" groups the interaction log and the transaction log by customer once; outcome
 * records are then computed for any choice of index interaction. */
#ifndef CX_EFFECTS_OUTCOMES_H
#define CX_EFFECTS_OUTCOMES_H

#include <cxkit/effects.h>

#include "internal.h"

typedef struct cx__panel {
    const cx_log *log;
    size_t nrows, ncust, ntx;
    int64_t *cust, *time;   /* per log row */
    size_t *lstart, *lrows; /* rows of customer c: lrows[lstart[c] .. lstart[c + 1]) */
    double *spend, *nps;    /* per log row, NaN absent */
    int64_t *txt;           /* transactions grouped by customer: time, amount */
    double *txa;
    size_t *tstart; /* ncust + 1 */
    int have_tx;
    int64_t start, end; /* observation period, seconds */
    double window, gap; /* seconds */
    cx_effects_options opts;
} cx__panel;

typedef struct cx__outcome {
    size_t cust, row;
    int64_t t0;
    double value;
    double spend_before, spend_after, repurchase, retained, nps_after;
    double tenure_days, contacts_before, surv_days, churned;
} cx__outcome;

CX_HIDDEN cx_status cx__panel_new(cx__panel **out, const cx_log *log, const cx_txlog *tx,
                                  const cx_effects_options *opts);
CX_HIDDEN void cx__panel_free(cx__panel *p);
/* Records for customers whose index interaction exists: the first row (in the eligible period)
 * where `field` is present and, when tp >= 0, the touchpoint code is tp. *out is NULL and *n 0
 * when no customer qualifies (not an error here). */
CX_HIDDEN cx_status cx__outcomes(cx__outcome **out, size_t *n, const cx__panel *p, int field,
                                 int64_t tp);
/* Panel and outcomes in one step for an analysis: field < 0 means opts->predictor; tp < 0 any
 * touchpoint. CX_ERANGE naming "log" when no customer has an index contact. On success the
 * caller frees *panel (cx__panel_free) and *out (cx__free). */
CX_HIDDEN cx_status cx__index_outcomes(cx__panel **panel, cx__outcome **out, size_t *n,
                                       const cx_log *log, const cx_txlog *tx,
                                       const cx_effects_options *opts, int field, int64_t tp);
/* The same from columns already fetched: val (per row, NaN = absent) and, when tp >= 0,
 * touchpoint codes per row. */
CX_HIDDEN cx_status cx__outcomes_cols(cx__outcome **out, size_t *n, const cx__panel *p,
                                      const double *val, const int64_t *tpc, int64_t tp);
/* Per log row: the field's position on its scale as cx__scaled_value defines it. */
CX_HIDDEN cx_status cx__scaled_rows(double *out, const cx__panel *p, int field);
/* Position of each record's CSAT on its scale in [0, 1] (csat_min/csat_max of the row, else
 * the observed range of the log); NaN when CSAT is absent. For other fields: observed range. */
CX_HIDDEN cx_status cx__scaled_value(double *out, const cx__outcome *o, size_t n,
                                     const cx__panel *p, int field);

#endif
