/* Scenario files for `cxkit simulate`, parsed with cJSON (Debian libcjson-dev, MIT). JSON parsing
 * stays in the CLI so that libcxkit itself needs nothing beyond libm (DESIGN.md section 5); the
 * library offers name-based setters (cx_sim_params_set) that any front end can drive, and the
 * Python layer does the same from a dict.
 *
 *   { "name": "...", "seed": 42, "start": "2023-01-01",  (start: the date of period 0)
 *     "parameters": { "customers": 2000, "leadership": 0.6, ... },
 *     "touchpoints": [ { "name": "advice", "share": 0.2, "emotional_weight": 1,
 *                        "failure_rate": 0.05, "sale_rate": 0.3,
 *                        "channels": { "in_person": 0.6, "phone": 0.4 } }, ... ],
 *                                                                (optional; replaces the defaults)
 *     "interventions": [ { "lever": "coaching", "start": 10, "end": 0, "magnitude": 0.5 }, ... ],
 *     "whatif": { "parameters": {...}, "interventions": [...], "touchpoints": [...] },
 *     "replications": 10 }
 */
#include "util_scenario.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxkit/errors.h>
#include <cxkit/log.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf)
            break;
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n < cap - 1)
            break;
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

static int where(const char *text, const char *at, long *line, long *col)
{
    *line = 1;
    *col = 1;
    for (const char *p = text; p < at && *p; p++) {
        if (*p == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
    return 0;
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        snprintf(err, errcap, __VA_ARGS__);                                                        \
        return 1;                                                                                  \
    } while (0)

static int apply_params(cx_sim_params *p, const cJSON *obj, const char *path, const char *section,
                        char *err, size_t errcap)
{
    if (!obj)
        return 0;
    if (!cJSON_IsObject(obj))
        FAIL("%s: %s.parameters must be an object", path, section);
    for (const cJSON *it = obj->child; it; it = it->next) {
        if (!cJSON_IsNumber(it))
            FAIL("%s: %s.parameters.%s must be a number", path, section, it->string);
        if (cx_sim_params_set(p, it->string, it->valuedouble) != CX_OK)
            FAIL("%s: %s.parameters.%s: %s", path, section, it->string, cx_error_last()->message);
    }
    return 0;
}

static int number_field(double *out, const cJSON *obj, const char *key, int required,
                        const char *path, const char *ctx, char *err, size_t errcap)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v) {
        if (required)
            FAIL("%s: %s: missing \"%s\"", path, ctx, key);
        return 0;
    }
    if (!cJSON_IsNumber(v))
        FAIL("%s: %s.%s must be a number", path, ctx, key);
    *out = v->valuedouble;
    return 0;
}

static int apply_touchpoints(cx_sim_params *p, const cJSON *arr, const char *path,
                             const char *section, char *err, size_t errcap)
{
    if (!arr)
        return 0;
    if (!cJSON_IsArray(arr))
        FAIL("%s: %s.touchpoints must be an array", path, section);
    cx_sim_params_clear_touchpoints(p);
    int i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        char ctx[96];
        snprintf(ctx, sizeof ctx, "%s.touchpoints[%d]", section, i);
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name");
        if (!cJSON_IsString(name))
            FAIL("%s: %s.name must be a string", path, ctx);
        double share = 1, weight = 0.3, fail = 0.05;
        if (number_field(&share, it, "share", 1, path, ctx, err, errcap) ||
            number_field(&weight, it, "emotional_weight", 1, path, ctx, err, errcap) ||
            number_field(&fail, it, "failure_rate", 0, path, ctx, err, errcap))
            return 1;
        if (cx_sim_params_add_touchpoint(p, name->valuestring, share, weight, fail) != CX_OK)
            FAIL("%s: %s.%s: %s", path, ctx, cx_error_last()->param, cx_error_last()->message);
        static const char *const keys[] = {
            "name", "share", "emotional_weight", "failure_rate", "sale_rate", "channels", NULL};
        for (const cJSON *k = it->child; k; k = k->next) {
            int ok = 0;
            for (int m = 0; keys[m]; m++)
                ok |= strcmp(k->string, keys[m]) == 0;
            if (!ok)
                FAIL("%s: unknown key \"%s\" in %s", path, k->string, ctx);
        }
        double sale = 0;
        if (number_field(&sale, it, "sale_rate", 0, path, ctx, err, errcap))
            return 1;
        if (cx_sim_params_set_touchpoint_sales(p, name->valuestring, sale) != CX_OK)
            FAIL("%s: %s.sale_rate: %s", path, ctx, cx_error_last()->message);
        const cJSON *ch = cJSON_GetObjectItemCaseSensitive(it, "channels");
        if (ch) {
            /* channel name -> share, in the simulator's order */
            static const char *const names[] = {"in_person", "phone", "chat", "email",
                                                "self_service"};
            double mix[5] = {0};
            if (!cJSON_IsObject(ch))
                FAIL("%s: %s.channels must be an object of channel shares", path, ctx);
            for (const cJSON *c = ch->child; c; c = c->next) {
                int m = 0;
                while (m < 5 && strcmp(c->string, names[m]) != 0)
                    m++;
                if (m == 5)
                    FAIL("%s: %s.channels.%s: unknown channel (in_person, phone, chat, email, "
                         "self_service)",
                         path, ctx, c->string);
                if (!cJSON_IsNumber(c))
                    FAIL("%s: %s.channels.%s must be a number", path, ctx, c->string);
                mix[m] = c->valuedouble;
            }
            if (cx_sim_params_set_touchpoint_channels(p, name->valuestring, mix, 5) != CX_OK)
                FAIL("%s: %s.channels: %s", path, ctx, cx_error_last()->message);
        }
    }
    return 0;
}

static int apply_interventions(cx_sim_params *p, const cJSON *arr, const char *path,
                               const char *section, char *err, size_t errcap)
{
    if (!arr)
        return 0;
    if (!cJSON_IsArray(arr))
        FAIL("%s: %s.interventions must be an array", path, section);
    int i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        char ctx[96];
        snprintf(ctx, sizeof ctx, "%s.interventions[%d]", section, i);
        const cJSON *lever = cJSON_GetObjectItemCaseSensitive(it, "lever");
        if (!cJSON_IsString(lever))
            FAIL("%s: %s.lever must be a string", path, ctx);
        cx_sim_lever lv;
        if (cx_sim_lever_parse(&lv, lever->valuestring) != CX_OK)
            FAIL("%s: %s.lever: %s", path, ctx, cx_error_last()->message);
        double start = 0, end = 0, mag = 0;
        if (number_field(&start, it, "start", 1, path, ctx, err, errcap) ||
            number_field(&end, it, "end", 0, path, ctx, err, errcap) ||
            number_field(&mag, it, "magnitude", 1, path, ctx, err, errcap))
            return 1;
        if (start < 0 || end < 0 || start > 1e9 || end > 1e9)
            FAIL("%s: %s: start and end must be period numbers >= 0", path, ctx);
        if (cx_sim_params_add_intervention(p, lv, (unsigned)start, (unsigned)end, mag) != CX_OK)
            FAIL("%s: %s.%s: %s", path, ctx, cx_error_last()->param, cx_error_last()->message);
    }
    return 0;
}

static int check_keys(const cJSON *obj, const char *const *allowed, const char *path,
                      const char *section, char *err, size_t errcap)
{
    for (const cJSON *it = obj->child; it; it = it->next) {
        int ok = 0;
        for (int k = 0; allowed[k]; k++)
            ok |= strcmp(it->string, allowed[k]) == 0;
        if (!ok)
            FAIL("%s: unknown key \"%s\" in %s", path, it->string, section);
    }
    return 0;
}

static int apply_section(cx_sim_params *p, const cJSON *obj, const char *path, const char *section,
                         char *err, size_t errcap)
{
    return apply_params(p, cJSON_GetObjectItemCaseSensitive(obj, "parameters"), path, section, err,
                        errcap) ||
           apply_touchpoints(p, cJSON_GetObjectItemCaseSensitive(obj, "touchpoints"), path, section,
                             err, errcap) ||
           apply_interventions(p, cJSON_GetObjectItemCaseSensitive(obj, "interventions"), path,
                               section, err, errcap);
}

static int load(cx_scenario *sc, const cJSON *root, const char *path, char *err, size_t errcap)
{
    static const char *const top[] = {"name",          "description", "seed",   "start",
                                      "parameters",    "touchpoints", "whatif", "replications",
                                      "interventions", NULL};
    static const char *const sub[] = {"description", "parameters", "touchpoints", "interventions",
                                      NULL};
    if (!cJSON_IsObject(root))
        FAIL("%s: the scenario must be a JSON object", path);
    if (check_keys(root, top, path, "the scenario", err, errcap))
        return 1;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
    if (cJSON_IsString(name))
        snprintf(sc->name, sizeof sc->name, "%s", name->valuestring);
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(root, "seed");
    if (seed) {
        if (!cJSON_IsNumber(seed) || seed->valuedouble < 0 ||
            seed->valuedouble > 9007199254740992.0 ||
            seed->valuedouble != (double)(uint64_t)seed->valuedouble)
            FAIL("%s: seed must be a whole number in 0..2^53", path);
        sc->seed = (uint64_t)seed->valuedouble;
        sc->has_seed = 1;
    }
    const cJSON *reps = cJSON_GetObjectItemCaseSensitive(root, "replications");
    if (reps) {
        if (!cJSON_IsNumber(reps) || reps->valuedouble < 2 || reps->valuedouble > 100000)
            FAIL("%s: replications must be a number in 2..100000", path);
        sc->replications = (size_t)reps->valuedouble;
    }
    const cJSON *start = cJSON_GetObjectItemCaseSensitive(root, "start");
    if (start) {
        /* a date (or date and time) for period 0, the same as parameters.start_time */
        int64_t t;
        if (!cJSON_IsString(start) ||
            cx_time_parse(&t, start->valuestring, strlen(start->valuestring)) != CX_OK ||
            cx_sim_params_set(sc->baseline, "start_time", (double)t) != CX_OK)
            FAIL("%s: start must be a date such as \"2023-01-01\" from 1970 on", path);
    }
    if (apply_section(sc->baseline, root, path, "scenario", err, errcap))
        return 1;
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(root, "whatif");
    if (w) {
        if (!cJSON_IsObject(w))
            FAIL("%s: whatif must be an object", path);
        if (check_keys(w, sub, path, "whatif", err, errcap))
            return 1;
        /* the what-if starts from the baseline and changes what it lists */
        if (cx_sim_params_dup(&sc->whatif, sc->baseline) != CX_OK)
            FAIL("%s: %s", path, cx_error_last()->message);
        if (apply_section(sc->whatif, w, path, "whatif", err, errcap))
            return 1;
    }
    return 0;
}

int cx_scenario_load(cx_scenario *sc, const char *path, char *err, size_t errcap)
{
    memset(sc, 0, sizeof *sc);
    sc->replications = 10;
    sc->seed = 1;
    size_t len = 0;
    char *text = slurp(path, &len);
    if (!text)
        FAIL("%s: cannot read the scenario file", path);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
    if (!root) {
        long line, col;
        where(text, end ? end : cJSON_GetErrorPtr(), &line, &col);
        snprintf(err, errcap, "%s:%ld:%ld: malformed JSON", path, line, col);
        free(text);
        return 1;
    }
    int rc = 1;
    if (cx_sim_params_new(&sc->baseline) != CX_OK)
        snprintf(err, errcap, "%s: %s", path, cx_error_last()->message);
    else
        rc = load(sc, root, path, err, errcap);
    cJSON_Delete(root);
    free(text);
    if (rc)
        cx_scenario_free(sc);
    return rc;
}

void cx_scenario_free(cx_scenario *sc)
{
    cx_sim_params_free(sc->baseline);
    cx_sim_params_free(sc->whatif);
    sc->baseline = sc->whatif = NULL;
}
