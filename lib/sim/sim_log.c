/* Placeholder until the log module (lib/log) is merged: writing interaction and transaction logs
 * needs cx_log. Replaced by the real conversion (cx_sim_result_to_log) when lib/log lands. */
#include "sim_internal.h"

cx_status cx__sim_write_logs(const cx_sim_result *res, const char *interactions_path,
                             const char *transactions_path)
{
    (void)res;
    if (!interactions_path && !transactions_path)
        return CX_OK;
    return cx__error(CX_ENOTSUP, "writing interaction logs needs the log module (not built)");
}
