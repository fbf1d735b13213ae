/* Design matrices and strata from user-named variables ("channel,spend_before"): numeric log
 * fields at the index interaction, derived outcome columns, and categorical fields as dummies. */
#ifndef CX_EFFECTS_DESIGN_H
#define CX_EFFECTS_DESIGN_H

#include "outcomes.h"

typedef struct cx__design {
    size_t n, p;       /* records, columns */
    double *x;         /* n x p, row-major */
    unsigned char *ok; /* n: 1 when every named variable is present */
    uint64_t *stratum; /* n: stratum key (categorical levels x numeric quartiles) */
    char **names;      /* p column names */
} cx__design;

/* spec: comma-separated names; NULL or "" gives p = 0 (every record ok, one stratum). */
CX_HIDDEN cx_status cx__design_build(cx__design *d, const cx__panel *p, const cx__outcome *o,
                                     size_t n, const char *spec);
CX_HIDDEN void cx__design_free(cx__design *d);
/* Drop columns that are constant over the complete-case rows (e.g. a dummy whose level only
 * occurs in rows that miss another variable); returns how many were dropped. */
CX_HIDDEN size_t cx__design_prune(cx__design *d);

#endif
