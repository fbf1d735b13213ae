/* Employees over time: each team's leader differs from the organisation's leadership, engagement
 * follows the team's internal service quality, emotional-intelligence skills and competence grow
 * with training and coaching with diminishing returns, and attentiveness, authenticity,
 * ownership, recovery skill and self-assessment bias follow (docs/simulator.md, "Employees").
 * Employees do not depend on customers, so their whole trajectory is computed before the
 * customers run. */
#include "sim_internal.h"

#include <math.h>
#include <string.h>

/* the EI skills, then competence, which is learnt the same way */
enum {
    SK_SELF_REGULATION,
    SK_OUTLOOK,
    SK_EMPATHY,
    SK_SELFLESS,
    SK_EI,
    SK_COMPETENCE = SK_EI,
    SK_COUNT
};

cx_status cx__sim_staff_alloc(cx__sim_staff *s, size_t n_emp, size_t periods, size_t team_size)
{
    memset(s, 0, sizeof *s);
    s->n_emp = n_emp;
    s->periods = periods;
    s->team_size = team_size ? team_size : 1;
    s->n_teams = (n_emp + s->team_size - 1) / s->team_size;
    if (periods && n_emp > SIZE_MAX / periods)
        return cx__error_param(CX_ENOMEM, "employees", "employees x periods is too large");
    s->cells = cx__malloc_array(n_emp * periods, sizeof *s->cells);
    s->lead = cx__malloc_array(s->n_teams * periods + 1, sizeof *s->lead);
    if (!s->cells || !s->lead) {
        cx__sim_staff_free(s);
        return cx__enomem();
    }
    return CX_OK;
}

void cx__sim_staff_free(cx__sim_staff *s)
{
    cx__free(s->cells);
    cx__free(s->lead);
    memset(s, 0, sizeof *s);
}

/* Employee streams live far above customer streams (customer i uses stream i); team leaders'
 * streams above the employees'. */
#define EMPLOYEE_STREAM_BASE (UINT64_C(1) << 62)
#define TEAM_STREAM_BASE     (EMPLOYEE_STREAM_BASE + (UINT64_C(1) << 61))

/* Team leaders: their customer-centricity is the organisation's plus a lasting offset. */
static void team_leaders(cx__sim_staff *s, const cx__sim_org *orgs, const double *x, uint64_t seed)
{
    for (size_t g = 0; g < s->n_teams; g++) {
        struct cx_rng r;
        cx__rng_seed(&r, seed, TEAM_STREAM_BASE + g);
        double offset = x[CX__SIM_P_TEAM_LEADERSHIP_SD] * cx__rng_std_normal(&r);
        for (size_t t = 0; t < s->periods; t++)
            s->lead[t * s->n_teams + g] = (float)cx__sim_clamp01(orgs[t].leadership + offset);
    }
}
cx_status cx__sim_staff_simulate(cx__sim_staff *s, const cx_sim_params *p, uint64_t seed)
{
    const double *x = p->v;
    const cx__sim_plugin *learn =
        p->rules[CX_SIM_RULE_LEARNING].fn ? &p->rules[CX_SIM_RULE_LEARNING] : NULL;
    cx__sim_org *orgs = cx__malloc_array(s->periods, sizeof *orgs);
    if (!orgs)
        return cx__enomem();
    for (size_t t = 0; t < s->periods; t++)
        cx__sim_org_at(&orgs[t], p, (unsigned)t);
    team_leaders(s, orgs, x, seed);
    for (size_t j = 0; j < s->n_emp; j++) {
        struct cx_rng r;
        cx__rng_seed(&r, seed, EMPLOYEE_STREAM_BASE + j);
        double offset = x[CX__SIM_P_ENGAGEMENT_SD] * cx__rng_std_normal(&r);
        double skill[SK_COUNT];
        for (int k = 0; k < SK_EI; k++)
            skill[k] = cx__sim_clamp01(x[CX__SIM_P_SKILL_MEAN] +
                                       x[CX__SIM_P_SKILL_SD] * cx__rng_std_normal(&r));
        double lsd = x[CX__SIM_P_LEARNING_SD];
        double rate =
            x[CX__SIM_P_LEARNING_RATE] * exp(lsd * cx__rng_std_normal(&r) - 0.5 * lsd * lsd);
        double bias =
            x[CX__SIM_P_SELF_BIAS_MEAN] + x[CX__SIM_P_SELF_BIAS_SD] * cx__rng_std_normal(&r);
        /* drawn after the first model's draws, which stay as they were */
        skill[SK_COMPETENCE] = cx__sim_clamp01(x[CX__SIM_P_COMPETENCE_MEAN] +
                                               x[CX__SIM_P_COMPETENCE_SD] * cx__rng_std_normal(&r));
        double own_offset = x[CX__SIM_P_OWNERSHIP_SD] * cx__rng_std_normal(&r);
        size_t team = j / s->team_size;
        double eng = -1;
        for (size_t t = 0; t < s->periods; t++) {
            const cx__sim_org *o = &orgs[t];
            /* the team leader's customer-centricity stands in for the organisation's */
            double dl = s->lead[t * s->n_teams + team] - o->leadership;
            double isq = cx__sim_clamp01(o->isq + x[CX__SIM_P_ISQ_LEADERSHIP] * dl);
            double focus = cx__sim_clamp01(o->focus + dl);
            double target =
                cx__sim_clamp01(isq + offset - x[CX__SIM_P_ENGAGEMENT_LOAD] * o->overload +
                                x[CX__SIM_P_ENGAGEMENT_COACHING] * o->coaching);
            eng = eng < 0 ? target : eng + x[CX__SIM_P_ENGAGEMENT_RATE] * (target - eng);
            double intensity = o->training + x[CX__SIM_P_COACHING_MULT] * o->coaching;
            if (intensity > 0) {
                double step = rate * eng * intensity;
                if (step > 1)
                    step = 1;
                for (int k = 0; k < SK_COUNT; k++) {
                    double next = skill[k] + step * (1 - skill[k]); /* diminishing returns */
                    if (learn) {
                        double in[6] = {skill[k], o->training, o->coaching, eng, rate, next};
                        char buf[256];
                        if (cx__sim_call_rule(learn, &next, 1, in, 6, 0, 1, buf, sizeof buf)) {
                            cx__free(orgs);
                            return cx__error_param(CX_EUSER, learn->name, "%s", buf);
                        }
                    }
                    skill[k] = next;
                }
            }
            double att = x[CX__SIM_P_ATT_ENGAGEMENT] * eng +
                         x[CX__SIM_P_ATT_SELF_REGULATION] * skill[SK_SELF_REGULATION] +
                         x[CX__SIM_P_ATT_EMPATHY] * skill[SK_EMPATHY] +
                         x[CX__SIM_P_ATT_FOCUS] * focus - x[CX__SIM_P_ATT_LOAD] * o->overload;
            double auth = x[CX__SIM_P_AUTH_CULTURE] * o->culture +
                          x[CX__SIM_P_AUTH_SELFLESS] * skill[SK_SELFLESS] +
                          x[CX__SIM_P_AUTH_OUTLOOK] * skill[SK_OUTLOOK];
            cx__sim_staff_cell *cell = &s->cells[t * s->n_emp + j];
            cell->att = (float)cx__sim_clamp01(att);
            cell->auth = (float)cx__sim_clamp01(auth);
            cell->empathy = (float)skill[SK_EMPATHY];
            cell->recovery = (float)(0.5 * (skill[SK_EMPATHY] + skill[SK_SELF_REGULATION]));
            cell->bias = (float)(bias * (1 - x[CX__SIM_P_TALK_BIAS_REDUCTION] * o->talk));
            cell->engagement = (float)eng;
            cell->competence = (float)skill[SK_COMPETENCE];
            cell->ownership = (float)cx__sim_clamp01(
                x[CX__SIM_P_OWNERSHIP_BASE] + x[CX__SIM_P_OWNERSHIP_ENGAGEMENT] * (eng - 0.5) +
                x[CX__SIM_P_OWNERSHIP_CULTURE] * (o->culture - 0.5) + own_offset);
        }
    }
    cx__free(orgs);
    return CX_OK;
}
