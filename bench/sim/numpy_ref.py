"""A straightforward numpy-vectorised implementation of the simulator's equations
(docs/simulator.md), written independently of the C kernel: the peer for bench/sim/run and a
second implementation that tests/python/test_sim.py compares aggregate statistics against.

No interventions, no plugins, no logs: the default scenario's per-period update for all customers
at once. Random numbers come from numpy's PCG64, so results agree with the C kernel in
distribution, not bit for bit."""
import numpy as np

TOUCHPOINTS = [  # name, share, emotional weight, failure rate (lib/sim/sim_params.c)
    ("balance_enquiry", 0.35, 0.15, 0.03), ("payment", 0.25, 0.25, 0.06),
    ("account_change", 0.15, 0.4, 0.08), ("advice", 0.15, 1.0, 0.06),
    ("lost_card", 0.05, 1.0, 0.12), ("complaint", 0.05, 1.0, 0.25)]


def tri(rng, n):
    """Zero-mean unit-variance triangular noise, as in the C kernel."""
    return np.sqrt(6.0) * (rng.random(n) + rng.random(n) - 1.0)


def simulate(x, customers, periods, employees, seed=1):
    """x: dict of parameter values (defaults from `cxkit simulate --list-params`)."""
    rng = np.random.default_rng(seed)
    c01 = lambda a: np.clip(a, 0.0, 1.0)
    # organisation (no interventions)
    L, C, S = x["leadership"], x["culture"], x["staffing"]
    isq = c01(x["isq_base"] + x["isq_leadership"] * (L - .5) + x["isq_culture"] * (C - .5))
    focus = c01(L)
    over = max(1 / S - 1, 0)
    # employees: constant without interventions (engagement starts at its target); team
    # leaders differ from the organisation's leadership
    E = employees
    team = np.arange(E) // int(x["team_size"])
    lead = c01(L + x["team_leadership_sd"] * rng.standard_normal(team.max() + 1))[team]
    isq_j = c01(isq + x["isq_leadership"] * (lead - L))
    focus_j = c01(focus + lead - L)
    offset = x["engagement_sd"] * rng.standard_normal(E)
    sk = c01(x["skill_mean"] + x["skill_sd"] * rng.standard_normal((4, E)))  # SR, PO, EM, SL
    bias = x["self_bias_mean"] + x["self_bias_sd"] * rng.standard_normal(E)
    comp_e = c01(x["competence_mean"] + x["competence_sd"] * rng.standard_normal(E))
    eng = c01(isq_j + offset - x["engagement_load"] * over)
    own_e = c01(x["ownership_base"] + x["ownership_engagement"] * (eng - .5) +
                x["ownership_culture"] * (C - .5) + x["ownership_sd"] * rng.standard_normal(E))
    att_e = c01(x["att_engagement"] * eng + x["att_self_regulation"] * sk[0] +
                x["att_empathy"] * sk[2] + x["att_focus"] * focus_j - x["att_load"] * over)
    auth_e = c01(x["auth_culture"] * C + x["auth_selfless"] * sk[3] + x["auth_outlook"] * sk[1])
    emp_e, rec_e = sk[2], 0.5 * (sk[2] + sk[0])
    # customers
    N = customers
    u = rng.random(N)
    prv, aff = x["segment_private_share"], x["segment_affluent_share"]
    seg = np.where(u < prv, 2, np.where(u < prv + aff, 1, 0))
    mix = np.cumsum([x["mix_in_person"], x["mix_phone"], x["mix_chat"], x["mix_email"],
                     x["mix_self_service"]])
    chan = np.minimum(np.searchsorted(mix, rng.random(N), side="right"), 4)
    expc = c01(x["expectation_mean"] + x["segment_expectation_step"] * seg +
               x["expectation_sd"] * rng.standard_normal(N))
    bond = c01(x["bond_mean"] + x["bond_sd"] * rng.standard_normal(N))
    share = np.clip(x["share_mean"] + x["share_sd"] * rng.standard_normal(N), x["share_min"], 1)
    mult = np.choose(seg, [1.0, x["segment_affluent_wallet"], x["segment_private_wallet"]])
    sdl = x["wallet_sdlog"]
    wallet = x["wallet_mean"] * mult * np.exp(sdl * rng.standard_normal(N) - .5 * sdl * sdl)
    sdp = x["purchase_rate_sdlog"]
    buy_p = c01(x["purchase_rate"] * np.exp(sdp * rng.standard_normal(N) - .5 * sdp * sdp))
    ind = np.zeros(N)
    dis = np.zeros(N)
    failures = np.zeros(N, dtype=np.int64)
    alive = np.ones(N, dtype=bool)
    tp_share = np.array([t[1] for t in TOUCHPOINTS])
    tp_cdf = np.cumsum(tp_share) / tp_share.sum()
    tp_w = np.array([t[2] for t in TOUCHPOINTS])
    tp_f = np.array([t[3] for t in TOUCHPOINTS])
    chb = np.array([x["bond_in_person"], x["bond_phone"], x["bond_chat"], x["bond_email"],
                    x["bond_self_service"]])
    wait_ch = np.array([x["wait_in_person"], x["wait_phone"], x["wait_chat"], x["wait_email"],
                        0.0]) * S ** -x["wait_staffing"]
    st = dict(interactions=0, pos_n=0, pos_inc=0, neg_n=0, neg_red=0, assisted=0, self_top=0,
              csat_top=0, noprob_n=0, noprob_sum=0.0, srp_n=0, srp_sum=0.0, active=[], csat=[],
              revenue=[], churn=np.zeros(3))
    for t in range(periods):
        idx = np.flatnonzero(alive)
        n = idx.size
        contact = rng.random(n) < x["contact_rate"]
        ci = idx[contact]
        m = ci.size
        st["interactions"] += m
        ch = chan[ci]
        assisted = ch != 4
        tp = np.minimum(np.searchsorted(tp_cdf, rng.random(m), side="right"), len(TOUCHPOINTS) - 1)
        w = tp_w[tp]
        j = rng.integers(0, E, m)
        bsd = x["behaviour_sd"]
        a = c01(att_e[j] + bsd * tri(rng, m))
        au = c01(auth_e[j] + bsd * tri(rng, m))
        perf = np.where(assisted, x["perf_base"] + x["perf_attentiveness"] * a +
                        x["perf_empathy"] * emp_e[j] + x["perf_authenticity"] * au,
                        x["self_service_quality"] - x["self_service_emotional_gap"] * w)
        rsk = np.where(assisted, rec_e[j], 0.5 * x["self_service_quality"])
        perf = perf + x["perf_sd"] * tri(rng, m)
        comp = np.where(assisted, comp_e[j], 0.5)
        prob = rng.random(m) < tp_f[tp] * (1 + x["failure_competence"] * (0.5 - comp))
        sev = prob & (rng.random(m) < x["severe_share"])
        pen = np.where(sev, x["severe_penalty"], x["failure_penalty"]) * prob
        perf = perf - pen
        q = c01(rsk + x["recovery_sd"] * tri(rng, m))
        pres = x["recovery_base"] + x["recovery_skill"] * rsk + np.where(
            assisted, x["recovery_ownership"] * (own_e[j] - .5) +
            x["recovery_competence"] * (comp - .5), 0)
        res = prob & (rng.random(m) < c01(pres))
        perf = perf + np.where(res, pen * x["recovery_restore"] * q, 0)
        wait = wait_ch[ch] * rng.exponential(1.0, m)
        effort = c01(x["effort_base"] + np.where(
            assisted, x["effort_wait"] * np.log1p(wait / x["wait_tolerance"]) +
            x["effort_competence"] * (0.5 - comp), x["effort_self_service"]) +
            x["effort_unresolved"] * (prob & ~res) + x["effort_recovered"] * (1 - q) * res +
            x["effort_sd"] * tri(rng, m))
        excess = effort - x["effort_neutral"]
        perf = perf - x["perf_effort"] * excess
        first = failures[ci] == 0
        srp = np.where(res & first & ~sev & (q >= x["excellent_recovery"]), x["srp_bonus"], 0)
        dis[ci] += np.where(prob & ~res, w * np.where(sev, 2, 1), 0)
        failures[ci] += prob
        perf = c01(perf)
        ind[ci] += np.where(assisted & (a < x["indifference_threshold"]), w, 0)
        e = expc[ci]
        d = perf - e
        sat = c01(x["sat_base"] + x["sat_expectation"] * (e - .5) +
                  x["sat_gain_pos"] * np.maximum(d, 0) + x["sat_gain_neg"] * np.minimum(d, 0) + srp)
        dx = sat - srp - x["sat_neutral"]
        g = w * chb[ch]
        pos, neg = np.maximum(dx, 0), np.minimum(dx, 0)
        bond[ci] = c01(bond[ci] + g * (x["bond_gain_pos"] * pos + x["bond_gain_neg"] * neg))
        dshare = g * (x["share_gain_pos"] * pos + x["share_gain_neg"] * neg -
                      x["share_effort"] * excess) + \
            w * x["share_response_sd"] * tri(rng, m)
        share[ci] = np.clip(share[ci] + dshare, x["share_min"], 1)
        expc[ci] = e + x["expectation_adapt"] * (perf - e)
        csat = np.clip(np.floor(1 + 5 * (sat + x["rating_sd"] * tri(rng, m))), 1, 5)
        selfr = np.clip(np.floor(1 + 5 * (perf + bias[j] + x["rating_sd"] * tri(rng, m))), 1, 5)
        mot = w >= 0.75
        posm = mot & assisted & (a >= x["indifference_threshold"]) & (csat >= 4)
        negm = mot & ~posm & (csat <= 3)
        st["pos_n"] += posm.sum()
        st["pos_inc"] += (posm & (dshare > 0)).sum()
        st["neg_n"] += negm.sum()
        st["neg_red"] += (negm & (dshare < 0)).sum()
        st["assisted"] += assisted.sum()
        st["self_top"] += (assisted & (selfr >= 5)).sum()
        st["csat_top"] += (assisted & (csat >= 5)).sum()
        st["noprob_n"] += (~prob).sum()
        st["noprob_sum"] += csat[~prob].sum()
        sp = res & first & ~sev & (q >= x["excellent_recovery"])
        st["srp_n"] += sp.sum()
        st["srp_sum"] += csat[sp].sum()
        st["csat"].append(csat.mean() if m else np.nan)
        # purchases and churn for every alive customer
        buy = rng.random(n) < buy_p[idx]
        amount = wallet[idx] * share[idx] * (0.5 + rng.random(n))
        st["revenue"].append(amount[buy].sum())
        loose = 1 - bond[idx]
        h_i = x["churn_indifference"] * ind[idx] * loose
        h_d = x["churn_dissatisfaction"] * dis[idx] * loose + \
            x["churn_low_bond"] * np.maximum(0.3 - bond[idx], 0)
        h_o = np.full(n, x["churn_base"])
        h = h_i + h_d + h_o
        scale = np.where(h > 1, 1 / h, 1)
        h_i, h_d, h_o = h_i * scale, h_d * scale, h_o * scale
        uu = rng.random(n)
        gone = uu < h_i + h_d + h_o
        st["churn"] += [(gone & (uu < h_i)).sum(), (gone & (uu >= h_i) & (uu < h_i + h_d)).sum(),
                        (gone & (uu >= h_i + h_d)).sum()]
        alive[idx[gone]] = False
        ind[idx] *= x["stock_decay"]
        dis[idx] *= x["stock_decay"]
        st["active"].append(alive.sum())
    c = st["churn"]
    return {
        "interactions": st["interactions"],
        "mot_positive_increase": st["pos_inc"] / st["pos_n"],
        "mot_negative_reduce": st["neg_red"] / st["neg_n"],
        "employee_superior": st["self_top"] / st["assisted"],
        "customer_superior": st["csat_top"] / st["assisted"],
        "csat_no_problem": st["noprob_sum"] / st["noprob_n"],
        "csat_recovered_paradox": st["srp_sum"] / st["srp_n"],
        "churn_share_indifference": c[0] / c.sum(),
        "active": np.array(st["active"]), "csat": np.array(st["csat"]),
        "revenue": np.array(st["revenue"]),
    }
