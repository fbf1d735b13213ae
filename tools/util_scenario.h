/* Scenario files (JSON, docs/simulator.md "Scenario files") for `cxkit simulate`. */
#ifndef CX_UTIL_SCENARIO_H
#define CX_UTIL_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include <cxkit/sim.h>

typedef struct cx_scenario {
    cx_sim_params *baseline;
    cx_sim_params *whatif; /* NULL unless the file has a "whatif" section */
    uint64_t seed;
    int has_seed;
    size_t replications; /* for the comparison; default 10 */
    char name[128];
} cx_scenario;

/* Load a scenario; on failure returns nonzero with a message naming file, line/column or the
 * offending key in err. */
int cx_scenario_load(cx_scenario *sc, const char *path, char *err, size_t errcap);
void cx_scenario_free(cx_scenario *sc);

#endif
