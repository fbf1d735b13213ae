/* libFuzzer harness for cx_acc_deserialize: any bytes must give CX_OK or CX_EFORMAT, never a
 * crash, and an accepted accumulator must round-trip and answer every query without NaN. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/cxkit.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cx_acc *a = NULL;
    cx_status st = cx_acc_deserialize(&a, data, size);
    if (st != CX_OK) {
        if (st != CX_EFORMAT || a != NULL)
            abort();
        return 0;
    }
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (cx_acc_serialize(&bytes, &len, a) != CX_OK || len != size || memcmp(bytes, data, size))
        abort();
    cx_free(bytes);
    double mean, lo, hi;
    if (cx_acc_mean(&mean, NULL, &lo, &hi, a, 0.95, CX_MEAN_DIRICHLET) == CX_OK &&
        (isnan(mean) || isnan(lo) || isnan(hi)))
        abort();
    int mn, mx;
    cx_acc_scale(&mn, &mx, a);
    double share;
    if (cx_acc_top_box(&share, &lo, &hi, a, mx, 0.95, CX_PROP_WILSON) == CX_OK && isnan(share))
        abort();
    cx_acc_free(a);
    return 0;
}
