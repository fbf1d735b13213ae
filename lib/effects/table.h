/* Building result tables (the public getters are in cxkit/effects.h). */
#ifndef CX_EFFECTS_TABLE_H
#define CX_EFFECTS_TABLE_H

#include <cxkit/effects.h>

#include "internal.h"

/* spec: comma-separated column names, text columns prefixed with '$', e.g. "$term,estimate". */
CX_HIDDEN cx_status cx__table_new(cx_effect_table **out, const char *title, const char *spec);
/* Append a row: texts for the text columns and nums for the numeric ones, each in order. */
CX_HIDDEN cx_status cx__table_add(cx_effect_table *t, const char *const *texts, const double *nums);
/* Append one line to the notes. */
CX_HIDDEN cx_status cx__table_note(cx_effect_table *t, const char *fmt, ...) CX_PRINTF(2, 3);

#endif
