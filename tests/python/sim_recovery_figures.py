"""Prints the figures of docs/simulator.md, "Parameter recovery": the same scenarios, seeds and
estimators as test_sim_recovery.py, with the estimates and intervals the table shows. Run after a
model change: PYTHONPATH=build/python python3 tests/python/sim_recovery_figures.py"""
import itertools
import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

import test_sim_recovery as T
from cxkit import clv, drivers, effects, scores, sim

warnings.simplefilter("ignore")


def show(what, **values):
    print(f"{what}: " + ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                                  for k, v in values.items()))


def scores_figures():
    s = T.self_service_scenario()
    df = T.frame(s.run(seed=5, record=True))
    truth = T.self_service_truth(s)
    c, p = scores.csat(df.csat.dropna()), scores.nps(df.nps.dropna())
    show("csat (95%)", truth=truth["csat"], mean=c["mean"], lo=c["mean_lo"], hi=c["mean_hi"])
    show("top-2 (95%)", truth=truth["top2"], share=c["top_box"], lo=c["top_box_lo"],
         hi=c["top_box_hi"])
    show("nps (95%)", truth=truth["nps"], nps=p["nps"], lo=p["lo"], hi=p["hi"])
    covered = sum(g["mean_lo"] <= truth["csat"] <= g["mean_hi"] for g in
                  (scores.csat(sub.csat.dropna()) for _, sub in df.groupby("period")))
    show("weeks whose 95% CSAT interval covers the truth", covered=covered)


def drivers_figures():
    s = T.linear_assisted()
    df = T.linear_range(T.frame(s.run(seed=3, record=True)), s, 0)
    cols = ["attentiveness", "empathy", "authenticity"]
    kd = drivers.KeyDrivers(bootstrap=300, level=0.99, seed=7).fit(df, target="csat",
                                                                   drivers=cols)
    imp = kd.importance_
    scale = df.csat.std() / df[cols].std().to_numpy()
    show("driver slopes (99% bootstrap)", n=len(df),
         **{f"{c}": f"{b:.3f} ({lo:.3f}-{hi:.3f})" for c, b, lo, hi in
            zip(cols, imp.beta * scale, imp.beta_lo * scale, imp.beta_hi * scale)})
    beta = np.array([0.45, 0.2, 0.25])
    cov = np.cov(df[cols].to_numpy().T)

    def r2(sub):
        if not sub:
            return 0.0
        c = cov[sub, :] @ beta
        return c @ np.linalg.solve(cov[np.ix_(sub, sub)], c)
    lmg = np.zeros(3)
    for order in itertools.permutations(range(3)):
        for k in range(3):
            lmg[order[k]] += (r2(list(order[:k + 1])) - r2(list(order[:k]))) / 6
    show("LMG shares", truth=np.round(lmg / lmg.sum(), 3).tolist(),
         estimate=np.round(imp.lmg_share.to_numpy(), 3).tolist(),
         half99=np.round(((imp.lmg_hi - imp.lmg_lo) / 2 / kd.r2_).to_numpy(), 3).tolist())
    s = T.linear_assisted(self_bias_mean=0.12)
    sel = T.linear_range(T.frame(s.run(seed=4, record=True)), s, 0.12)
    g = scores.gap(sel.self_rating, sel.csat, superior=5, level=0.99)
    show("perception gap (99%), truth 0.6", gap=g["gap"], lo=g["lo"], hi=g["hi"], n=g["n"])


def churn_figures():
    s = T.churn_scenario()
    r = s.run(seed=11, record=True)
    df = T.frame(r)
    periods = int(s.get("periods"))
    last = df.groupby("customer").period.transform("max")
    df["churn"] = ((df.period == last) & (df.period < periods - 1)).astype(float)
    df["indifferent"] = (df.assisted & (df.attentiveness <= 0.35)).astype(float)
    seen = df[df.period < periods - 1]
    m = effects.Logit(seen.churn, seen[["indifferent"]]).fit(alpha=0.01)
    ci = m.conf_int()
    show("logit (99%), truth 2.504 / -4.595", slope=m.params["indifferent"],
         lo=ci.loc["indifferent", 0], hi=ci.loc["indifferent", 1], const=m.params["const"],
         const_lo=ci.loc["const", 0], const_hi=ci.loc["const", 1])
    q = df.indifferent[df.assisted].mean()
    h_a = q * (T.P_IND * 0.5 + T.P_BASE) + (1 - q) * T.P_BASE
    cust = df.groupby("customer").agg(last=("period", "max"), assisted=("assisted", "first"))
    cust["time"] = cust["last"] + 1.0
    cust["event"] = (cust["last"] < periods - 1).astype(float)
    cust["assisted"] = cust.assisted.astype(float)
    cph = effects.CoxPHFitter().fit(cust[["time", "event", "assisted"]], "time", "event")
    show("cox", truth=math.log(math.log(1 - h_a) / math.log(1 - T.P_BASE)), q=q,
         coef=cph.params_["assisted"], se=cph.standard_errors_["assisted"])
    km = effects.KaplanMeierFitter(alpha=0.01).fit(cust["time"], cust.event)
    m_ss, t = 1 - cust.assisted.mean(), periods - 1
    truth = m_ss * (1 - T.P_BASE) ** t + (1 - m_ss) * (1 - h_a) ** t
    ci = km.confidence_interval_.loc[float(t)]
    show(f"KM at {t} (99%)", truth=truth, km=km.survival_function_.iloc[:, 0].loc[float(t)],
         lo=ci.iloc[0], hi=ci.iloc[1])


def recovery_figures():
    ra = T.recovery_scenario(0.1).run(seed=21, record=True)
    rb = T.recovery_scenario(0).run(seed=21, record=True)
    da, db = T.frame(ra), T.frame(rb)
    fa = T.first_resolved(da)
    g = scores.gap(fa.csat, db.loc[fa.index].csat, superior=5, level=0.99)
    show("SRP gain (99%), truth 0.5", gain=g["gap"], lo=g["lo"], hi=g["hi"], n=len(fa))
    for label, kw in (("with", {}), ("without", dict(share_gain_pos=0, share_gain_neg=0,
                                                     share_response_sd=0, share_effort=0))):
        s = T.scenario((("advice", 1, 1.0, 0.05),), customers=4000, periods=26, employees=40,
                       contact_rate=0.15, purchase_rate=0.9, wallet_sdlog=0, **T.NO_CHURN, **kw)
        r = s.run(seed=2, record=True)
        t = effects.spend(r.log().to_dataframe(), r.transactions().to_dataframe(),
                          window_days=28).set_index("experience")
        d = scores.prop_diff(t.increase["positive"] * t.n["positive"], t.n["positive"],
                             t.increase["negative"] * t.n["negative"], t.n["negative"],
                             level=0.99)
        show(f"spend {label} wallet response (99%)", positive=t.increase["positive"],
             negative=t.increase["negative"], diff=d["diff"], lo=d["lo"], hi=d["hi"])


def bgbb_figures():
    k, cal = 8, 30
    grid_p = stats.beta.ppf((np.arange(k) + 0.5) / k, 2, 3)
    grid_h = stats.beta.ppf((np.arange(k) + 0.5) / k, 1, 20)
    frames, alive, truth = [], set(), {}
    for (i, p), (j, h) in itertools.product(enumerate(grid_p), enumerate(grid_h)):
        s = sim.Scenario(customers=100, periods=cal + 1, employees=5, contact_rate=1,
                         purchase_rate=p, purchase_rate_sdlog=0, start_time=T.THURSDAY,
                         churn_base=h, churn_indifference=0, churn_dissatisfaction=0,
                         churn_low_bond=0)
        r = s.run(seed=100 + i * k + j, record=True, threads=1)
        tx = r.transactions().to_dataframe()
        tx["customer"] = f"R{i}{j}" + tx.customer.astype(str)
        frames.append(tx)
        log = r.log()
        seen = np.asarray(log["customer"])[log.times() >= T.THURSDAY + cal * T.WEEK]
        alive.update(f"R{i}{j}" + c for c in set(seen))
        truth[f"R{i}{j}"] = (p, h)
    tx = pd.concat(frames)
    end = pd.Timestamp(T.THURSDAY + cal * T.WEEK - 1, unit="s", tz="UTC")
    rfm = clv.summary_data_from_transaction_data(tx[tx.time <= end], "customer", "time",
                                                 observation_period_end=end, freq="W")
    rfm = rfm[rfm["T"] > 0]
    f = clv.BetaGeoBetaBinomFitter().fit(rfm.frequency, rfm.recency, rfm["T"])
    a, b, g, d = f.params_.to_numpy()
    ph = np.array([truth[c[:3]] for c in rfm.index])
    y = np.array([c in alive for c in rfm.index])
    pa = np.asarray(f.conditional_probability_alive(1, rfm.frequency, rfm.recency, rfm["T"]))
    auc = stats.mannwhitneyu(pa[y], pa[~y]).statistic / (y.sum() * (~y).sum())
    show("BG/BB", alpha=a, beta=b, gamma=g, delta=d, p_mean=a / (a + b),
         p_truth=ph[:, 0].mean(), theta_mean=g / (g + d), theta_truth=ph[:, 1].mean(),
         alive=y.mean(), p_alive=pa.mean(), auc=auc)


def whatif_figures():
    def make():
        return T.linear_assisted(customers=1500, periods=10, att_focus=0, perf_base=0.05,
                                 self_bias_mean=0.1)
    d = make().compare(make().intervene("customer_talk", 0, 0.5), replications=8, seed=13,
                       level=0.99)
    g = d[d.series == "perception_gap"]
    show("what-if perception gap (99%), truth -0.15", mean=g.difference.mean(),
         lo=g.lower.mean(), hi=g.upper.mean(),
         covered=int(((g.lower <= -0.15) & (-0.15 <= g.upper)).sum()))


if __name__ == "__main__":
    for f in (scores_figures, drivers_figures, churn_figures, recovery_figures, bgbb_figures,
              whatif_figures):
        f()
