"""Parameter recovery (issue 7, item 8): simulate with known effects, write the simulator's logs
and estimate them back with cxkit's own estimators (scores, key drivers, logistic and Cox
regression, Kaplan-Meier, the recovery analysis, BG/BB and the scenario comparison).

Every check compares against the truth the scenario sets, with a tolerance taken from the
estimator's own standard error or interval, so that a wrong model or a wrong estimator fails.
Scenarios switch off what a check does not need (fixed expectations, no failures, ...) so that
the truth follows from the documented equations (docs/simulator.md). Figures: docs/simulator.md,
"Parameter recovery"."""
import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cxkit import clv, drivers, effects, scores, sim

WEEK = 7 * 86400
THURSDAY = 1704326400  # 2024-01-04: weekly periods on the epoch's (Thursday) week grid
# Rating noise whose triangular support is exactly one rating point: then
# E[floor(1 + 5 (x + rating_sd eps))] = 5 x + 1/2 exactly for x in [0.2, 0.8] (the floor of x
# plus a uniform of width 1 has mean x), so ratings are linear in the latent satisfaction.
LINEAR_RATING_SD = 1 / (5 * math.sqrt(6))
FIXED_EXPECTATIONS = dict(expectation_sd=0, expectation_adapt=0, segment_expectation_step=0,
                          expectation_mean=0.5)
NO_CHURN = dict(churn_base=0, churn_indifference=0, churn_dissatisfaction=0, churn_low_bond=0)
# Customer effort (waits, problems) moves performance and wallet share; off where a check's truth
# is written without it.
NO_EFFORT = dict(perf_effort=0, share_effort=0)
ASSISTED_ONLY = dict(mix_self_service=0, mix_in_person=0.4, mix_phone=0.3, mix_chat=0.2,
                     mix_email=0.1)
# Checks of one estimate against its truth use 99.9% intervals: the file makes about 30 of them,
# so with 95% ones an honest estimator would fail somewhere for most seeds; a bias of a few
# standard errors still fails.
LEVEL = 0.999
Z = stats.norm.ppf(0.9995)


def scenario(touchpoints=(("contact", 1, 0.5, 0),), **params):
    return sim.Scenario.from_dict({
        "parameters": params,
        "touchpoints": [{"name": n, "share": s, "emotional_weight": w, "failure_rate": f}
                        for n, s, w, f in touchpoints]})


def frame(result, start=1704067200):
    """The recorded interaction log as a numeric DataFrame with the period of each contact."""
    log = result.log()
    df = pd.DataFrame({k: log[k] for k in ("attentiveness", "empathy", "authenticity", "csat",
                                           "nps", "self_rating")})
    for k in ("problem", "resolved"):
        df[k] = log[k] if k in log.fields else 0.0
    df["customer"] = log.codes("customer")
    df["assisted"] = log.codes("employee") >= 0
    df["period"] = (log.times() - start) // WEEK
    return df


def written(result, directory):
    """The result written by the simulator (cxkit's CSV formats): interaction and transaction
    log paths, as the CLI leaves them for the analytics."""
    directory.mkdir(exist_ok=True)
    result.write(str(directory))
    return str(directory / "interactions.csv"), str(directory / "transactions.csv")


def tri(rng, n):
    return math.sqrt(6) * (rng.random(n) + rng.random(n) - 1)


# ---- scores ------------------------------------------------------------------------------

SELF_SERVICE_TPS = (("routine", 0.6, 0.2, 0), ("moment", 0.4, 1.0, 0))


def self_service_scenario():
    return scenario(SELF_SERVICE_TPS, customers=4000, periods=20, employees=10,
                    contact_rate=0.5, response_rate=0.6, mix_self_service=1, mix_in_person=0,
                    mix_phone=0, mix_chat=0, mix_email=0, bond_sd=0, bond_gain_pos=0,
                    bond_gain_neg=0, **NO_CHURN, **NO_EFFORT, **FIXED_EXPECTATIONS)


def self_service_truth(s, n=1_000_000):
    """Expected CSAT, top-2 share and NPS of a self-service contact under the documented
    equations (fixed expectation and bond), by a numpy Monte Carlo of n draws per touchpoint."""
    g = s.get
    rng = np.random.default_rng(1)
    e = g("expectation_mean")
    truth = dict(csat=0.0, top2=0.0, nps=0.0)
    for _, share, w, _ in SELF_SERVICE_TPS:
        perf = np.clip(g("self_service_quality") - g("self_service_emotional_gap") * w
                       + g("perf_sd") * tri(rng, n), 0, 1)
        d = perf - e
        sat = np.clip(g("sat_base") + g("sat_expectation") * (e - 0.5)
                      + g("sat_gain_pos") * np.maximum(d, 0) + g("sat_gain_neg") * np.minimum(d, 0),
                      0, 1)
        csat = np.clip(1 + 5 * (sat + g("rating_sd") * tri(rng, n)), 1, 5).astype(int)
        nb = g("nps_bond_weight")
        ltr = np.clip(10 * (nb * g("bond_mean") + (1 - nb) * sat) + g("nps_shift") + 0.5
                      + g("nps_sd") * tri(rng, n), 0, 10).astype(int)
        truth["csat"] += share * csat.mean()
        truth["top2"] += share * (csat >= 4).mean()
        truth["nps"] += share * 100 * ((ltr >= 9).mean() - (ltr <= 6).mean())
    return truth



def true_lmg(cov, beta):
    """LMG (Shapley) decomposition of the population R^2 of y = X beta + noise among the drivers
    with covariance cov: each driver's R^2 gain averaged over every order of entry."""
    k = len(beta)

    def r2(sub):
        if not sub:
            return 0.0
        c = cov[sub, :] @ beta
        return c @ np.linalg.solve(cov[np.ix_(sub, sub)], c)
    lmg = np.zeros(k)
    orders = list(itertools.permutations(range(k)))
    for order in orders:
        for j in range(k):
            lmg[order[j]] += (r2(list(order[:j + 1])) - r2(list(order[:j]))) / len(orders)
    return lmg

def test_csat_and_nps_recover_the_latent_rates():
    """Self-service only, fixed expectations and bond: every contact is an independent draw
    from the documented equations, so the expected CSAT, top-2 share and NPS follow from the
    parameters (computed here by a 10^6-draw numpy Monte Carlo of the equations). cxkit's
    scores on the simulator's log must cover them, and equal the simulator's series."""
    s = self_service_scenario()
    r = s.run(seed=5, record=True)
    df = frame(r)
    truth = self_service_truth(s)
    # whole run: 99.9% intervals, widened by about 3 Monte Carlo standard errors of the truth
    # itself (0.0008 for the mean, 0.0005 for the share, 0.06 NPS points)
    c = scores.csat(df.csat.dropna(), level=LEVEL)
    assert c["mean_lo"] - 0.002 <= truth["csat"] <= c["mean_hi"] + 0.002, (c, truth)
    assert c["top_box_lo"] - 0.001 <= truth["top2"] <= c["top_box_hi"] + 0.001, (c, truth)
    p = scores.nps(df.nps.dropna(), level=LEVEL)
    assert p["lo"] - 0.2 <= truth["nps"] <= p["hi"] + 0.2, (p, truth)
    assert abs(c["n"] / len(df) - 0.6) < 4 * math.sqrt(0.24 / len(df))  # response_rate
    # per period: the log's scores are the simulator's series, and their 95% intervals cover
    # the truth in at least 15 of 20 periods (P(fewer) < 0.002 for honest intervals)
    series = r.series()
    covered = 0
    for t, sub in df.groupby("period"):
        ct = scores.csat(sub.csat.dropna())
        assert ct["mean"] == pytest.approx(series.csat[t], abs=1e-12)
        assert ct["top_box"] == pytest.approx(series.csat_top2[t], abs=1e-12)
        assert scores.nps(sub.nps.dropna())["nps"] == pytest.approx(series.nps[t], abs=1e-9)
        covered += ct["mean_lo"] <= truth["csat"] <= ct["mean_hi"]
    assert covered >= 15


# ---- key drivers and the perception gap --------------------------------------------------

def linear_assisted(**extra):
    """Assisted contacts, no failures, fixed expectations and a linear satisfaction response
    (sat = perceived performance), linear ratings: E[CSAT | a, m, u] = 5 (perf_base +
    perf_attentiveness a + perf_empathy m + perf_authenticity u) + 1/2 while the performance
    stays in [0.2, 0.8]."""
    params = dict(customers=3000, periods=6, employees=60, contact_rate=1,
                  rating_sd=LINEAR_RATING_SD, perf_sd=0.02, behaviour_sd=0.15, sat_base=0.5,
                  sat_expectation=0, sat_gain_pos=1, sat_gain_neg=1, self_bias_mean=0.12,
                  self_bias_sd=0, **ASSISTED_ONLY, **NO_CHURN, **NO_EFFORT,
                  **FIXED_EXPECTATIONS)
    params.update(extra)
    return scenario(**params)


def linear_range(df, s, margin):
    """Contacts whose performance (from the logged drivers, rounded to 0.01) cannot leave the
    linear range: selected on the drivers only, so the selection does not bias the slopes."""
    perf = (s.get("perf_base") + s.get("perf_attentiveness") * df.attentiveness
            + s.get("perf_empathy") * df.empathy + s.get("perf_authenticity") * df.authenticity)
    half = math.sqrt(6) * s.get("perf_sd") + 0.005
    return df[(perf - half >= 0.2) & (perf + half + margin <= 0.8)]


def test_key_drivers_recover_the_performance_equation():
    s = linear_assisted()
    df = linear_range(frame(s.run(seed=3, record=True)), s, 0)
    assert len(df) > 15000
    cols = ["attentiveness", "empathy", "authenticity"]
    beta = np.array([s.get("perf_attentiveness"), s.get("perf_empathy"),
                     s.get("perf_authenticity")])
    kd = drivers.KeyDrivers(bootstrap=300, level=0.95, seed=7).fit(df, target="csat",
                                                                  drivers=cols)
    imp = kd.importance_
    z95 = stats.norm.ppf(0.975)  # bootstrap standard errors from the 95% percentile intervals

    def se(name):
        return (imp[name + "_hi"] - imp[name + "_lo"]).to_numpy() / (2 * z95)
    # raw slopes (standardised betas times sd(y) / sd(x)) recover 5 x the weights, within the
    # least-squares standard error of a standardised coefficient, sqrt((1 - R^2) /
    # ((n - p - 1)(1 - R_k^2))) with R_k^2 of driver k on the others (the bootstrap's interval of
    # a standardised beta is narrower than the raw slope's: sd(y) moves with the slope)
    scale = df.csat.std() / df[cols].std().to_numpy()
    r2_k = 1 - 1 / np.diag(np.linalg.inv(np.corrcoef(df[cols].to_numpy().T)))
    std_se = np.sqrt((1 - kd.r2_) / ((kd.n_ - 4) * (1 - r2_k)))
    raw, raw_se = imp.beta.to_numpy() * scale, std_se * scale
    assert np.all(np.abs(raw - 5 * beta) <= Z * raw_se), (raw, raw_se, 5 * beta)
    assert np.all(se("beta") <= 1.5 * std_se)  # and the bootstrap agrees on the scale
    # relative importance: LMG shares of R^2 implied by the true weights and the drivers'
    # covariance (population R^2 of every subset), in the same order and within the bootstrap
    lmg = true_lmg(np.cov(df[cols].to_numpy().T), beta)
    share, est = lmg / lmg.sum(), imp.lmg_share.to_numpy()
    half = Z * se("lmg") / kd.r2_  # on the share scale
    assert np.all(np.abs(est - share) <= half), (est, share, half)
    assert np.all(np.abs(imp.relative_weight_share.to_numpy() - share) <= half)
    # the order: every pair the intervals separate comes out in the true order
    assert np.argmax(est) == np.argmax(share) == 0
    for i, j in itertools.combinations(range(3), 2):
        if abs(share[i] - share[j]) > half[i] + half[j]:
            assert (est[i] > est[j]) == (share[i] > share[j]), (est, share)


def test_perception_gap_recovers_the_self_assessment_bias():
    """Employees rate their contact from perf + bias, customers from sat = perf: with linear
    ratings the expected gap is 5 x self_bias_mean."""
    s = linear_assisted(self_bias_mean=0.12)
    r = s.run(seed=4, record=True)
    df = frame(r)
    # the log's gap is the simulator's perception-gap series, period by period
    series = r.series()
    for t, sub in df.groupby("period"):
        rated = sub.dropna(subset=["self_rating", "csat"])
        assert rated.self_rating.mean() - rated.csat.mean() == \
            pytest.approx(series.perception_gap[t], abs=1e-12)
    sel = linear_range(df, s, s.get("self_bias_mean"))
    g = scores.gap(sel.self_rating, sel.csat, superior=5, level=LEVEL)
    assert g["lo"] <= 5 * s.get("self_bias_mean") <= g["hi"], g


# ---- churn: logistic, Cox, Kaplan-Meier ---------------------------------------------------

P_IND, P_BASE = 0.2, 0.01


def churn_scenario():
    """Every customer contacts every period (so the log shows the churn period); bond fixed at
    0.5 and stocks that do not persist: the per-period hazard is churn_base plus
    churn_indifference x 1 x (1 - 0.5) after a contact whose attentiveness is below the
    threshold. The threshold 0.355 is exactly recoverable from attentiveness logged to 0.01."""
    return scenario((("contact", 1, 1.0, 0),), customers=6000, periods=30, employees=50,
                    contact_rate=1, bond_sd=0, bond_mean=0.5, bond_gain_pos=0, bond_gain_neg=0,
                    stock_decay=0, churn_base=P_BASE, churn_indifference=P_IND,
                    churn_dissatisfaction=0, churn_low_bond=0, indifference_threshold=0.355,
                    mix_self_service=0.3, mix_in_person=0.25, mix_phone=0.25, mix_chat=0.1,
                    mix_email=0.1)


@pytest.fixture(scope="module")
def churn_run():
    s = churn_scenario()
    r = s.run(seed=11, record=True)
    df = frame(r)
    periods = int(s.get("periods"))
    last = df.groupby("customer").period.transform("max")
    df["churn"] = ((df.period == last) & (df.period < periods - 1)).astype(float)
    df["indifferent"] = (df.assisted & (df.attentiveness <= 0.35)).astype(float)
    return s, r, df, periods


def test_logistic_recovers_the_indifference_hazard(churn_run):
    s, _, df, periods = churn_run
    p1 = P_IND * 1.0 * 0.5 + P_BASE
    seen = df[df.period < periods - 1]  # a churn at the end of the last period is not observed
    m = effects.Logit(seen.churn, seen[["indifferent"]]).fit(alpha=1 - LEVEL)
    logit = lambda p: math.log(p / (1 - p))  # noqa: E731
    ci = m.conf_int()
    assert ci.loc["indifferent", 0] <= logit(p1) - logit(P_BASE) <= ci.loc["indifferent", 1]
    assert ci.loc["const", 0] <= logit(P_BASE) <= ci.loc["const", 1]


def test_cox_recovers_the_hazard_ratio_of_assisted_customers(churn_run):
    """Self-service customers never meet indifference; assisted ones do with probability q
    (the share of indifferent contacts in the log). Per-period hazards h_a = q p1 + (1 - q) p0
    and p0; Cox on the grouped times estimates log(-log(1 - h_a) / -log(1 - p0))."""
    s, _, df, periods = churn_run
    q = df.indifferent[df.assisted].mean()
    h_a = q * (P_IND * 0.5 + P_BASE) + (1 - q) * P_BASE
    truth = math.log(math.log(1 - h_a) / math.log(1 - P_BASE))
    cust = df.groupby("customer").agg(last=("period", "max"), assisted=("assisted", "first"))
    cust["time"] = cust["last"] + 1.0
    cust["event"] = (cust["last"] < periods - 1).astype(float)
    cust["assisted"] = cust.assisted.astype(float)
    cph = effects.CoxPHFitter(alpha=1 - LEVEL).fit(cust[["time", "event", "assisted"]], "time",
                                              "event")
    se = cph.standard_errors_["assisted"]
    assert abs(cph.params_["assisted"] - truth) <= Z * se, (cph.params_, truth, se)


def test_kaplan_meier_recovers_the_retention_series(churn_run):
    s, r, df, periods = churn_run
    cust = df.groupby("customer").agg(last=("period", "max"), assisted=("assisted", "first"))
    km = effects.KaplanMeierFitter(alpha=0.01).fit(cust["last"] + 1.0,
                                                   (cust["last"] < periods - 1).astype(float))
    sf = km.survival_function_.iloc[:, 0]
    series = r.series()
    customers = s.get("customers")
    # KM of the log is the simulator's own active / retention series ...
    assert np.allclose(sf.loc[1.0:periods - 1].to_numpy(),
                       series.active.to_numpy()[:periods - 1] / customers, atol=1e-12)
    assert np.allclose(sf.loc[1.0:periods - 1].to_numpy(),
                       np.cumprod(series.retention.to_numpy())[:periods - 1], atol=1e-12)
    # ... and covers the survival the hazards imply (a mixture of the two channels' hazards)
    q = df.indifferent[df.assisted].mean()
    h_a = q * (P_IND * 0.5 + P_BASE) + (1 - q) * P_BASE
    m_ss = 1 - cust.assisted.mean()
    t = np.arange(1, periods)
    truth = m_ss * (1 - P_BASE) ** t + (1 - m_ss) * (1 - h_a) ** t
    ci = km.confidence_interval_
    lo, hi = ci.iloc[:, 0].loc[1.0:periods - 1].to_numpy(), ci.iloc[:, 1].loc[1.0:periods - 1]
    assert np.mean((lo <= truth) & (truth <= hi.to_numpy())) >= 0.9, (truth, lo, hi)


# ---- service recovery ----------------------------------------------------------------------

def recovery_scenario(srp, failure_rate=0.04):
    """Mild failures only (severe_share 0), every resolved recovery counts as excellent: a
    customer's first failure, when resolved, gets +srp_bonus on satisfaction and nothing on
    loyalty (de Matos et al. 2007)."""
    return linear_assisted(customers=3000, periods=20, contact_rate=1, severe_share=0,
                           failure_penalty=0.1, excellent_recovery=0, srp_bonus=srp,
                           churn_base=0.01, churn_dissatisfaction=0.05, purchase_rate=0.5,
                           touchpoints=(("contact", 1, 0.8, failure_rate),))


def first_resolved(df):
    first = df[df.problem == 1].groupby("customer").head(1)
    return first[first.resolved == 1]


def test_recovery_paradox_bonus_is_recovered_and_verdicts_follow_it(tmp_path):
    srp = 0.1
    with_b, without = recovery_scenario(srp), recovery_scenario(0)
    ra, rb = with_b.run(seed=21, record=True), without.run(seed=21, record=True)
    da, db = frame(ra), frame(rb)
    # common random numbers: the bonus changes no draw, so the same contacts fail and recover
    assert len(da) == len(db) and (da.problem == db.problem).all()
    fa = first_resolved(da)
    fb = db.loc[fa.index]
    assert len(fa) > 300
    # paired on the paradox contacts, the CSAT gain is 5 x srp_bonus (linear ratings)
    g = scores.gap(fa.csat, fb.csat, superior=5, level=LEVEL)
    assert g["lo"] <= 5 * srp <= g["hi"], g
    # verdicts from cxkit's difference of top-2 shares (Newcombe), first resolved failure vs
    # contacts without a failure: PRESENT with the bonus, ABSENT without it (recovery then
    # restores only part of the penalty)
    def verdict(df, first):
        ok = df[df.problem == 0].csat.dropna()
        x1, n1 = (first.csat >= 4).sum(), first.csat.notna().sum()
        x0, n0 = (ok >= 4).sum(), len(ok)
        d = scores.prop_diff(x1, n1, x0, n0, level=LEVEL)
        return "PRESENT" if d["lo"] > 0 else ("ABSENT" if d["hi"] < 0 else "INCONCLUSIVE")
    assert verdict(da, fa) == "PRESENT"
    assert verdict(db, first_resolved(db)) == "ABSENT"
    # the bonus does not reach behaviour: cxkit's recovery analysis of retention, repurchase
    # and spend gives identical rows with and without it
    rows = [effects.recovery(*written(r, tmp_path / name), window_days=28)
            for name, r in (("with", ra), ("without", rb))]
    behaviour = [t[t.outcome.isin(["retained", "repurchase", "spend_change"])] for t in rows]
    # (30 rows, less a regression row where a group is retained in full: separation)
    assert len(behaviour[0]) >= 27 and (behaviour[0].method == "verdict").sum() == 3
    pd.testing.assert_frame_equal(behaviour[0].reset_index(drop=True),
                                  behaviour[1].reset_index(drop=True))


def test_recovery_verdict_follows_a_paradox_that_reaches_loyalty(tmp_path):
    """cxkit's recovery analysis judges behaviour after the contact (repurchase, retention,
    spend, later NPS). The built-in bonus stays on satisfaction (not PRESENT on any outcome);
    a satisfaction rule that delights every customer whose problem is resolved passes the
    paradox on to bond and wallet, and the later NPS (bond-driven) then shows it: PRESENT."""
    def run(s, name):
        r = s.run(seed=22, record=True)
        t = effects.recovery(*written(r, tmp_path / name), window_days=28, conf_level=LEVEL)
        return t[t.method == "verdict"].set_index("outcome").measure

    def frequent_failures(srp):
        return recovery_scenario(srp, failure_rate=0.25)
    srp_only = run(frequent_failures(0.1), "srp")
    assert (srp_only != "PRESENT").all(), srp_only
    delight = frequent_failures(0).rule(
        "satisfaction", lambda *x: 1.0 if x[3] == 1 and x[4] == 1 else x[-1], name="delight")
    assert run(delight, "delight")["nps_after"] == "PRESENT"


# ---- spend response -------------------------------------------------------------------------

def test_spend_response_follows_the_wallet_share_response(tmp_path):
    """cxkit's spend response (spend in the 28 days after vs before a rated contact) on the
    simulator's logs: with the calibrated asymmetric wallet-share response, customers increase
    spend more often after a positive than after a negative experience; with the response
    switched off, spend before and after are exchangeable, so every class increases with
    probability (1 - P(same)) / 2 and the classes do not differ."""
    def run(**kw):
        s = scenario((("advice", 1, 1.0, 0.05),), customers=4000, periods=26, employees=40,
                     contact_rate=0.15, purchase_rate=0.9, wallet_sdlog=0, **NO_CHURN, **kw)
        r = s.run(seed=2, record=True)
        t = effects.spend(*written(r, tmp_path / str(len(kw))), window_days=28,
                          conf_level=LEVEL)
        t = t.set_index("experience")
        d = scores.prop_diff(t.increase["positive"] * t.n["positive"], t.n["positive"],
                             t.increase["negative"] * t.n["negative"], t.n["negative"],
                             level=LEVEL)
        return t, d
    t, d = run()
    assert d["lo"] > 0.1, d  # PRESENT, and large
    assert t.increase_lower["positive"] > 0.5 > t.increase_upper["negative"], t
    t, d = run(share_gain_pos=0, share_gain_neg=0, share_response_sd=0, share_effort=0)
    assert d["lo"] <= 0 <= d["hi"], d
    truth = (1 - t.same) / 2
    assert ((t.increase_lower <= truth) & (truth <= t.increase_upper)).all(), t


# ---- loyalty models: BG/BB on the transaction log ------------------------------------------

def oracle_p_alive(rfm, p, h):
    """P(alive one period after the summary's end) from each customer's true purchase and
    dropout probabilities (the BG/BB likelihood without the Beta mixing)."""
    x, tx, n = (rfm[c].to_numpy() for c in ("frequency", "recency", "T"))
    alive_through = p ** x * (1 - p) ** (n - x) * (1 - h) ** n
    lik = alive_through + sum(np.where(i <= n - tx - 1,
                                       p ** x * (1 - p) ** (tx - x + i) * h * (1 - h) ** (tx + i),
                                       0) for i in range(int(n.max()) + 1))
    return alive_through * (1 - h) / lik


def test_bgbb_recovers_purchase_and_dropout_processes():
    """The simulator's purchase (a Bernoulli draw per period) and churn (a constant hazard per
    period when only churn_base is on, purchase_rate_sdlog 0) are the BG/BB's processes once
    customers differ: an 8 x 8 grid of scenarios at the Beta(2, 3) and Beta(1, 20) quantiles
    stands for the heterogeneity. cxkit's BG/BB on the weekly RFM summary of the transaction log must recover
    the mean purchase and dropout probabilities of the customers it sees, and its P(alive) must
    rank customers by their true status about as well as the true parameters do."""
    k, cal = 8, 30
    grid_p = stats.beta.ppf((np.arange(k) + 0.5) / k, 2, 3)
    grid_h = stats.beta.ppf((np.arange(k) + 0.5) / k, 1, 20)
    frames, alive, truth = [], set(), {}
    for (i, p), (j, h) in itertools.product(enumerate(grid_p), enumerate(grid_h)):
        s = sim.Scenario(customers=100, periods=cal + 1, employees=5, contact_rate=1,
                         purchase_rate=p, purchase_rate_sdlog=0, start_time=THURSDAY,
                         churn_base=h, churn_indifference=0, churn_dissatisfaction=0,
                         churn_low_bond=0)
        r = s.run(seed=100 + i * k + j, record=True, threads=1)
        tx = r.transactions().to_dataframe()
        prefix = f"R{i}{j}"
        tx["customer"] = prefix + tx.customer.astype(str)
        frames.append(tx)
        log = r.log()
        # alive at the start of period cal: a contact in that period (contact_rate 1)
        seen = np.asarray(log["customer"])[log.times() >= THURSDAY + cal * WEEK]
        alive.update(prefix + c for c in set(seen))
        truth[prefix] = (p, h)
    tx = pd.concat(frames)
    end = pd.Timestamp(THURSDAY + cal * WEEK - 1, unit="s", tz="UTC")
    rfm = clv.summary_data_from_transaction_data(tx[tx.time <= end], "customer", "time",
                                                 observation_period_end=end,
                                                 freq="W-WED")  # weeks from Thursdays
    rfm = rfm[rfm["T"] > 0]
    f = clv.BetaGeoBetaBinomFitter().fit(rfm.frequency, rfm.recency, rfm["T"])
    a, b, g, d = f.params_.to_numpy()
    v = f.variance_matrix_.to_numpy()
    true_ph = np.array([truth[c[:3]] for c in rfm.index])

    def check_mean(x, y, block, target):
        m = x / (x + y)
        grad = np.array([y, -x]) / (x + y) ** 2
        se = math.sqrt(grad @ v[np.ix_(block, block)] @ grad)
        assert abs(m - target) <= Z * se, (m, target, se)
    check_mean(a, b, [0, 1], true_ph[:, 0].mean())
    check_mean(g, d, [2, 3], true_ph[:, 1].mean())
    # P(alive) one period on: calibrated and ranking close to the oracle posterior
    y = np.array([c in alive for c in rfm.index])
    pa = np.asarray(f.conditional_probability_alive(1, rfm.frequency, rfm.recency, rfm["T"]))
    assert abs(pa.mean() - y.mean()) <= 3 * math.sqrt(y.mean() * (1 - y.mean()) / len(y))
    oracle = oracle_p_alive(rfm, true_ph[:, 0], true_ph[:, 1])

    def auc(score):
        return stats.mannwhitneyu(score[y], score[~y]).statistic / (y.sum() * (~y).sum())
    assert auc(pa) >= auc(oracle) - 0.03 and auc(pa) > 0.9, (auc(pa), auc(oracle))


# ---- what-if: an intervention with a known effect ----------------------------------------

def test_comparison_interval_covers_a_known_intervention_effect():
    """Talking with customers (att_focus 0: it then only reduces self-assessment bias) lowers
    the bias by talk_bias_reduction x intensity: the perception gap falls by exactly
    5 x self_bias_mean x reduction x intensity while ratings stay linear."""
    base = linear_assisted(customers=1500, periods=10, att_focus=0, perf_base=0.05,
                           self_bias_mean=0.1)
    talk = 0.5
    alt = linear_assisted(customers=1500, periods=10, att_focus=0, perf_base=0.05,
                          self_bias_mean=0.1).intervene("customer_talk", 0, talk)
    truth = -5 * 0.1 * base.get("talk_bias_reduction") * talk
    d = base.compare(alt, replications=8, seed=13, level=0.99)
    gap = d[d.series == "perception_gap"]
    assert np.mean((gap.lower <= truth) & (truth <= gap.upper)) >= 0.8, gap
    se = (gap.upper - gap.lower).mean() / (2 * stats.t.ppf(0.995, 7)) / math.sqrt(len(gap))
    assert abs(gap.difference.mean() - truth) <= 4 * se + 0.002, (gap.difference.mean(), truth)
    # customers' ratings do not move (common random numbers, nothing they see changed)
    csat = d[d.series == "csat"]
    assert (csat.difference == 0).all()
