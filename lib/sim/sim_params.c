/* The scenario object: parameter table with validated setters, touchpoints, interventions
 * scheduled in time and plugin rules. */
#include "sim_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct param_info {
    const char *name;
    double def, lo, hi;
    int integer;
    const char *meaning, *source, *uncertainty;
} param_info;

static const param_info PARAMS[CX__SIM_P_COUNT] = {
#define X(id, name, def, lo, hi, integer, meaning, source, unc)                                    \
    {name, def, lo, hi, integer, meaning, source, unc},
#include "sim_params.def"
#undef X
};

static const char *const LEVER_NAMES[CX_SIM_LEVER_COUNT] = {
    "leadership", "customer_talk", "serve_employees", "training",
    "coaching",   "culture",       "staffing",        "channel_shift"};

/* Allowed magnitude range of one intervention on each lever. */
static const double LEVER_LO[CX_SIM_LEVER_COUNT] = {-1, -1, -1, -1, -1, -1, -0.9, -1};
static const double LEVER_HI[CX_SIM_LEVER_COUNT] = {1, 1, 1, 1, 1, 1, 3, 1};

/* Default touchpoints of a retail bank (Beaujean et al. 2006 name lost cards and advice as
 * moments of truth): name, share, emotional weight, failure rate. */
static const cx__sim_touchpoint DEFAULT_TPS[] = {
    {"balance_enquiry", 0.35, 0.15, 0.03, 0, {0}}, {"payment", 0.25, 0.25, 0.06, 0, {0}},
    {"account_change", 0.15, 0.4, 0.08, 0, {0}},   {"advice", 0.15, 1.0, 0.06, 0, {0}},
    {"lost_card", 0.05, 1.0, 0.12, 0, {0}},        {"complaint", 0.05, 1.0, 0.25, 0, {0}},
};

size_t cx_sim_param_count(void)
{
    return CX__SIM_P_COUNT;
}

cx_status cx_sim_param_info(size_t index, const char **name, double *default_value, double *lo,
                            double *hi, const char **meaning, const char **source,
                            const char **uncertainty)
{
    if (index >= CX__SIM_P_COUNT)
        return cx__error_param(CX_ERANGE, "index", "parameter index %zu out of range (%d)", index,
                               (int)CX__SIM_P_COUNT);
    const param_info *pi = &PARAMS[index];
    if (name)
        *name = pi->name;
    if (default_value)
        *default_value = pi->def;
    if (lo)
        *lo = pi->lo;
    if (hi)
        *hi = pi->hi;
    if (meaning)
        *meaning = pi->meaning;
    if (source)
        *source = pi->source;
    if (uncertainty)
        *uncertainty = pi->uncertainty;
    return CX_OK;
}

static void plugin_release(cx__sim_plugin *pl)
{
    if (pl->payload_free)
        pl->payload_free(pl->payload);
    cx__free(pl->name);
    memset(pl, 0, sizeof *pl);
}

cx_status cx_sim_params_new(cx_sim_params **out)
{
    CX_CHECK_ARG(out != NULL);
    cx_sim_params *p = cx__calloc(1, sizeof *p);
    if (!p)
        return cx__enomem();
    for (size_t i = 0; i < CX__SIM_P_COUNT; i++)
        p->v[i] = PARAMS[i].def;
    size_t n = sizeof DEFAULT_TPS / sizeof DEFAULT_TPS[0];
    p->tps = cx__malloc_array(n, sizeof *p->tps);
    if (!p->tps) {
        cx__free(p);
        return cx__enomem();
    }
    memcpy(p->tps, DEFAULT_TPS, sizeof DEFAULT_TPS);
    p->n_tps = p->cap_tps = n;
    *out = p;
    return CX_OK;
}

void cx_sim_params_free(cx_sim_params *p)
{
    if (!p)
        return;
    for (int r = 0; r < CX_SIM_RULE_COUNT; r++)
        plugin_release(&p->rules[r]);
    cx__free(p->tps);
    cx__free(p->ivs);
    cx__free(p);
}

cx_status cx_sim_params_dup(cx_sim_params **out, const cx_sim_params *params)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(params != NULL);
    cx_sim_params *p = cx__calloc(1, sizeof *p);
    if (!p)
        return cx__enomem();
    memcpy(p->v, params->v, sizeof p->v);
    p->tps = cx__malloc_array(params->n_tps ? params->n_tps : 1, sizeof *p->tps);
    p->ivs = cx__malloc_array(params->n_ivs ? params->n_ivs : 1, sizeof *p->ivs);
    if (!p->tps || !p->ivs) {
        cx_sim_params_free(p);
        return cx__enomem();
    }
    if (params->n_tps)
        memcpy(p->tps, params->tps, params->n_tps * sizeof *p->tps);
    if (params->n_ivs)
        memcpy(p->ivs, params->ivs, params->n_ivs * sizeof *p->ivs);
    p->n_tps = p->cap_tps = params->n_tps;
    p->n_ivs = p->cap_ivs = params->n_ivs;
    if (!p->cap_tps)
        p->cap_tps = 1;
    if (!p->cap_ivs)
        p->cap_ivs = 1;
    *out = p;
    return CX_OK;
}

static long find_param(const char *name)
{
    for (size_t i = 0; i < CX__SIM_P_COUNT; i++)
        if (strcmp(PARAMS[i].name, name) == 0)
            return (long)i;
    return -1;
}

cx_status cx_sim_params_set(cx_sim_params *params, const char *name, double value)
{
    CX_CHECK_ARG(params != NULL);
    CX_CHECK_ARG(name != NULL);
    long i = find_param(name);
    if (i < 0)
        return cx__error_param(CX_EINVAL, name, "unknown simulator parameter '%s'", name);
    const param_info *pi = &PARAMS[i];
    if (!(value >= pi->lo && value <= pi->hi))
        return cx__error_param(CX_EINVAL, name, "parameter '%s' = %g is outside [%g, %g] (%s)",
                               name, value, pi->lo, pi->hi, pi->meaning);
    if (pi->integer && value != floor(value))
        return cx__error_param(CX_EINVAL, name, "parameter '%s' = %g must be a whole number", name,
                               value);
    params->v[i] = value;
    return CX_OK;
}

cx_status cx_sim_params_get(double *out, const cx_sim_params *params, const char *name)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(params != NULL);
    CX_CHECK_ARG(name != NULL);
    long i = find_param(name);
    if (i < 0)
        return cx__error_param(CX_EINVAL, name, "unknown simulator parameter '%s'", name);
    *out = params->v[i];
    return CX_OK;
}

cx_status cx_sim_params_clear_touchpoints(cx_sim_params *params)
{
    CX_CHECK_ARG(params != NULL);
    params->n_tps = 0;
    return CX_OK;
}

cx_status cx_sim_params_add_touchpoint(cx_sim_params *params, const char *name, double share,
                                       double emotional_weight, double failure_rate)
{
    CX_CHECK_ARG(params != NULL);
    if (!name || !name[0] || strlen(name) >= CX__SIM_TP_NAME_MAX)
        return cx__error_param(CX_EINVAL, "name", "touchpoint name must have 1..%d bytes",
                               CX__SIM_TP_NAME_MAX - 1);
    if (!(share > 0 && share < INFINITY))
        return cx__error_param(CX_EINVAL, "share", "touchpoint '%s': share must be > 0", name);
    if (!(emotional_weight >= 0 && emotional_weight <= 1))
        return cx__error_param(CX_EINVAL, "emotional_weight",
                               "touchpoint '%s': emotional_weight must be in [0, 1]", name);
    if (!(failure_rate >= 0 && failure_rate <= 1))
        return cx__error_param(CX_EINVAL, "failure_rate",
                               "touchpoint '%s': failure_rate must be in [0, 1]", name);
    for (size_t i = 0; i < params->n_tps; i++)
        if (strcmp(params->tps[i].name, name) == 0)
            return cx__error_param(CX_EINVAL, "name", "duplicate touchpoint '%s'", name);
    if (params->n_tps >= 255)
        return cx__error_param(CX_EINVAL, "name", "at most 255 touchpoints");
    if (params->n_tps == params->cap_tps) {
        size_t cap = params->cap_tps ? 2 * params->cap_tps : 8;
        cx__sim_touchpoint *t = cx__realloc_array(params->tps, cap, sizeof *t);
        if (!t)
            return cx__enomem();
        params->tps = t;
        params->cap_tps = cap;
    }
    cx__sim_touchpoint *t = &params->tps[params->n_tps++];
    memset(t, 0, sizeof *t);
    memcpy(t->name, name, strlen(name));
    t->share = share;
    t->weight = emotional_weight;
    t->failure_rate = failure_rate;
    return CX_OK;
}

static cx__sim_touchpoint *find_touchpoint(cx_sim_params *params, const char *name)
{
    for (size_t i = 0; i < params->n_tps; i++)
        if (strcmp(params->tps[i].name, name) == 0)
            return &params->tps[i];
    return NULL;
}

cx_status cx_sim_params_set_touchpoint_sales(cx_sim_params *params, const char *touchpoint,
                                             double sale_rate)
{
    CX_CHECK_ARG(params != NULL);
    CX_CHECK_ARG(touchpoint != NULL);
    cx__sim_touchpoint *t = find_touchpoint(params, touchpoint);
    if (!t)
        return cx__error_param(CX_EINVAL, "touchpoint", "unknown touchpoint '%s'", touchpoint);
    if (!(sale_rate >= 0 && sale_rate <= 1))
        return cx__error_param(CX_EINVAL, "sale_rate",
                               "touchpoint '%s': sale_rate must be in [0, 1]", touchpoint);
    t->sale_rate = sale_rate;
    return CX_OK;
}

cx_status cx_sim_params_set_touchpoint_channels(cx_sim_params *params, const char *touchpoint,
                                                const double *mix, size_t n)
{
    CX_CHECK_ARG(params != NULL);
    CX_CHECK_ARG(touchpoint != NULL);
    cx__sim_touchpoint *t = find_touchpoint(params, touchpoint);
    if (!t)
        return cx__error_param(CX_EINVAL, "touchpoint", "unknown touchpoint '%s'", touchpoint);
    if (n != 0 && n != CX__SIM_NCHANNELS)
        return cx__error_param(CX_EINVAL, "n",
                               "a channel mix has %d shares (in_person, phone, "
                               "chat, email, self_service) or none, not %zu",
                               CX__SIM_NCHANNELS, n);
    if (n && !mix)
        return cx__error_param(CX_EINVAL, "mix", "mix is NULL");
    double tot = 0;
    for (size_t k = 0; k < n; k++) {
        if (!(mix[k] >= 0 && mix[k] < INFINITY))
            return cx__error_param(CX_EINVAL, "mix",
                                   "touchpoint '%s': channel share %zu must "
                                   "be >= 0",
                                   touchpoint, k);
        tot += mix[k];
    }
    if (n && !(tot > 0))
        return cx__error_param(CX_EINVAL, "mix", "touchpoint '%s': channel shares sum to 0",
                               touchpoint);
    double c = 0;
    for (size_t k = 0; k < CX__SIM_NCHANNELS; k++)
        t->mix_cdf[k] = n ? (c += mix[k]) / tot : 0;
    if (n)
        t->mix_cdf[CX__SIM_NCHANNELS - 1] = 1;
    return CX_OK;
}

size_t cx_sim_params_touchpoint_count(const cx_sim_params *params)
{
    return params ? params->n_tps : 0;
}

const char *cx_sim_lever_name(int lever)
{
    return lever >= 0 && lever < CX_SIM_LEVER_COUNT ? LEVER_NAMES[lever] : NULL;
}

cx_status cx_sim_lever_parse(cx_sim_lever *out, const char *name)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(name != NULL);
    for (int i = 0; i < CX_SIM_LEVER_COUNT; i++)
        if (strcmp(name, LEVER_NAMES[i]) == 0) {
            *out = (cx_sim_lever)i;
            return CX_OK;
        }
    return cx__error_param(CX_EINVAL, "lever",
                           "unknown lever '%s' (leadership, customer_talk, serve_employees, "
                           "training, coaching, culture, staffing, channel_shift)",
                           name);
}

cx_status cx_sim_params_add_intervention(cx_sim_params *params, cx_sim_lever lever, unsigned start,
                                         unsigned end, double magnitude)
{
    CX_CHECK_ARG(params != NULL);
    if ((int)lever < 0 || (int)lever >= CX_SIM_LEVER_COUNT)
        return cx__error_param(CX_EINVAL, "lever", "invalid lever %d", (int)lever);
    if (end != 0 && end <= start)
        return cx__error_param(CX_EINVAL, "end", "intervention end (%u) must be after start (%u)",
                               end, start);
    if (!(magnitude >= LEVER_LO[lever] && magnitude <= LEVER_HI[lever]))
        return cx__error_param(CX_EINVAL, "magnitude",
                               "magnitude %g of lever '%s' is outside [%g, %g]", magnitude,
                               LEVER_NAMES[lever], LEVER_LO[lever], LEVER_HI[lever]);
    if (params->n_ivs == params->cap_ivs) {
        size_t cap = params->cap_ivs ? 2 * params->cap_ivs : 8;
        cx__sim_intervention *v = cx__realloc_array(params->ivs, cap, sizeof *v);
        if (!v)
            return cx__enomem();
        params->ivs = v;
        params->cap_ivs = cap;
    }
    cx__sim_intervention *v = &params->ivs[params->n_ivs++];
    v->lever = lever;
    v->start = start;
    v->end = end;
    v->magnitude = magnitude;
    return CX_OK;
}

size_t cx_sim_params_intervention_count(const cx_sim_params *params)
{
    return params ? params->n_ivs : 0;
}

cx_status cx_sim_params_clear_interventions(cx_sim_params *params)
{
    CX_CHECK_ARG(params != NULL);
    params->n_ivs = 0;
    return CX_OK;
}

static cx_status check_weights(const cx_sim_params *p, int first, int count, const char *what,
                               double target, int exact)
{
    double s = 0;
    for (int i = 0; i < count; i++)
        s += p->v[first + i];
    if (exact ? fabs(s - target) > 1e-9 : s > target + 1e-9)
        return cx__error_param(CX_EINVAL, PARAMS[first].name,
                               "%s sum to %g (parameters %s..%s); they must %s %g", what, s,
                               PARAMS[first].name, PARAMS[first + count - 1].name,
                               exact ? "sum to" : "sum to at most", target);
    return CX_OK;
}

cx_status cx_sim_params_validate(const cx_sim_params *p)
{
    CX_CHECK_ARG(p != NULL);
    cx_status st;
    if ((st = check_weights(p, CX__SIM_P_MIX_IN_PERSON, 5, "channel mix shares", 1, 1)))
        return st;
    if ((st = check_weights(p, CX__SIM_P_ATT_ENGAGEMENT, 4, "attentiveness weights", 1, 0)))
        return st;
    if ((st = check_weights(p, CX__SIM_P_AUTH_CULTURE, 3, "authenticity weights", 1, 0)))
        return st;
    if ((st = check_weights(p, CX__SIM_P_PERF_BASE, 4, "performance weights", 1, 0)))
        return st;
    if (p->v[CX__SIM_P_SEGMENT_AFFLUENT_SHARE] + p->v[CX__SIM_P_SEGMENT_PRIVATE_SHARE] > 1)
        return cx__error_param(CX_EINVAL, "segment_affluent_share",
                               "segment shares (affluent + private) exceed 1");
    if (p->v[CX__SIM_P_SEVERE_PENALTY] < p->v[CX__SIM_P_FAILURE_PENALTY])
        return cx__error_param(CX_EINVAL, "severe_penalty",
                               "severe_penalty (%g) must be >= failure_penalty (%g)",
                               p->v[CX__SIM_P_SEVERE_PENALTY], p->v[CX__SIM_P_FAILURE_PENALTY]);
    if (p->n_tps == 0)
        return cx__error_param(CX_EINVAL, "touchpoints", "the scenario has no touchpoints");
    if (p->v[CX__SIM_P_CUSTOMERS] > 4.0e9 || p->v[CX__SIM_P_EMPLOYEES] > 4.0e9)
        return cx__error_param(CX_EINVAL, "customers", "too many customers or employees");
    for (size_t i = 0; i < p->n_ivs; i++)
        if (p->ivs[i].start >= (unsigned)p->v[CX__SIM_P_PERIODS])
            return cx__error_param(CX_EINVAL, "start",
                                   "intervention %zu ('%s') starts at period %u, after the last "
                                   "period (%g)",
                                   i, LEVER_NAMES[p->ivs[i].lever], p->ivs[i].start,
                                   p->v[CX__SIM_P_PERIODS] - 1);
    return CX_OK;
}

void cx__sim_org_at(cx__sim_org *o, const cx_sim_params *p, unsigned t)
{
    double add[CX_SIM_LEVER_COUNT] = {0};
    for (size_t i = 0; i < p->n_ivs; i++) {
        const cx__sim_intervention *v = &p->ivs[i];
        if (t >= v->start && (v->end == 0 || t < v->end))
            add[v->lever] += v->magnitude;
    }
    const double *x = p->v;
    o->leadership = cx__sim_clamp01(x[CX__SIM_P_LEADERSHIP] + add[CX_SIM_LEVER_LEADERSHIP]);
    o->culture = cx__sim_clamp01(x[CX__SIM_P_CULTURE] + add[CX_SIM_LEVER_CULTURE]);
    double staff = x[CX__SIM_P_STAFFING] * (1 + add[CX_SIM_LEVER_STAFFING]);
    o->staffing = staff < 0.05 ? 0.05 : staff;
    o->serve = cx__sim_clamp01(add[CX_SIM_LEVER_SERVE_EMPLOYEES]);
    o->talk = cx__sim_clamp01(add[CX_SIM_LEVER_CUSTOMER_TALK]);
    o->training = cx__sim_clamp01(add[CX_SIM_LEVER_TRAINING]);
    o->coaching = cx__sim_clamp01(add[CX_SIM_LEVER_COACHING]);
    o->shift = cx__sim_clamp01(add[CX_SIM_LEVER_CHANNEL_SHIFT]);
    o->isq = cx__sim_clamp01(x[CX__SIM_P_ISQ_BASE] +
                             x[CX__SIM_P_ISQ_LEADERSHIP] * (o->leadership - 0.5) +
                             x[CX__SIM_P_ISQ_CULTURE] * (o->culture - 0.5) + o->serve);
    o->focus = cx__sim_clamp01(o->leadership + 0.5 * o->talk);
    double over = 1 / o->staffing - 1;
    o->overload = over > 0 ? over : 0;
    o->wait_scale = pow(o->staffing, -x[CX__SIM_P_WAIT_STAFFING]);
}

static const size_t RULE_IN[CX_SIM_RULE_COUNT] = {9, 7, 5, 6};
static const size_t RULE_OUT[CX_SIM_RULE_COUNT] = {1, 2, 1, 1};
static const char *const RULE_NAMES[CX_SIM_RULE_COUNT] = {"satisfaction", "loyalty", "churn",
                                                          "learning"};

cx_status cx_sim_rule_arity(size_t *n_in, size_t *n_out, int rule)
{
    if (rule < 0 || rule >= CX_SIM_RULE_COUNT)
        return cx__error_param(CX_EINVAL, "rule", "invalid rule %d", rule);
    if (n_in)
        *n_in = RULE_IN[rule];
    if (n_out)
        *n_out = RULE_OUT[rule];
    return CX_OK;
}

cx_status cx_sim_params_set_rule(cx_sim_params *params, cx_sim_rule rule, const char *name,
                                 unsigned flags, cx_sim_rule_fn fn, void *payload,
                                 cx_free_fn payload_free)
{
    cx_status st = CX_OK;
    char *copy = NULL;
    if (!params)
        st = cx__error_param(CX_EINVAL, "params", "params is NULL");
    else if ((int)rule < 0 || (int)rule >= CX_SIM_RULE_COUNT)
        st = cx__error_param(CX_EINVAL, "rule", "invalid rule %d", (int)rule);
    else if (fn) {
        char buf[96];
        if (!name || !name[0]) {
            snprintf(buf, sizeof buf, "%s plugin", RULE_NAMES[rule]);
            name = buf;
        }
        copy = cx__strdup(name);
        if (!copy)
            st = cx__enomem();
    }
    if (st != CX_OK) {
        if (payload_free)
            payload_free(payload);
        return st;
    }
    cx__sim_plugin *pl = &params->rules[rule];
    plugin_release(pl);
    if (fn) {
        pl->fn = fn;
        pl->payload = payload;
        pl->payload_free = payload_free;
        pl->name = copy;
        pl->flags = flags;
    } else if (payload_free) {
        payload_free(payload);
    }
    return CX_OK;
}

int cx__sim_call_rule(const cx__sim_plugin *pl, double *out, size_t n_out, const double *in,
                      size_t n_in, double lo, double hi, char *buf, size_t cap)
{
    int rc = pl->fn(out, n_out, in, n_in, pl->payload);
    if (rc != 0) {
        snprintf(buf, cap, "plugin '%s' failed (returned %d)", pl->name, rc);
        return 1;
    }
    for (size_t i = 0; i < n_out; i++)
        if (!(out[i] >= lo && out[i] <= hi)) {
            snprintf(buf, cap, "plugin '%s' returned %g for output %zu, outside [%g, %g]", pl->name,
                     out[i], i, lo, hi);
            return 1;
        }
    return 0;
}
