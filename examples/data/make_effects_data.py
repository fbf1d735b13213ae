"""Sample data for the effects examples and CLI (docs/effects.md, "Sample data").

Writes effects_interactions.csv and effects_transactions.csv: 3000 customers over two years
(2024-01-01 .. 2025-12-31) with effects of known size built in, so each analysis has something
to find:
  * recovery: a resolved problem raises retention a little above "no problem" (a mild recovery
    paradox), an unresolved one lowers it a lot; phone customers have more problems and stay
    less (a confounder: compare --confounders channel with the unadjusted rows);
  * moments of truth: satisfaction matters most at "repair", then "billing", little at
    "onboarding", not at all at "web";
  * spend: after a positive experience ~85% of retained customers spend more, after a negative
    one ~70% spend less (the McKinsey bank figures);
  * zones: retention log-odds rise slowly up to csat 4 and steeply from 4 to 5;
  * churn: customers who leave make a last purchase 100-200 days after the rated contact.
Run: /usr/bin/python3 make_effects_data.py  (deterministic: fixed seed)
"""
import numpy as np

rng = np.random.default_rng(2024)
N = 3000
DAY = 86400
T0 = 1704067200  # 2024-01-01T00:00:00Z
TPS = ["repair", "billing", "onboarding", "web"]
TP_SLOPE = {"repair": 3.0, "billing": 1.5, "onboarding": 0.5, "web": 0.0}


def iso(day):
    import datetime
    return datetime.datetime.fromtimestamp(T0 + int(day * DAY), datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


inter = ["customer,time,employee,touchpoint,channel,attentiveness,problem,resolved,csat,"
         "csat_min,csat_max,nps"]
trans = ["customer,time,amount"]
for i in range(N):
    cid = "C%05d" % i
    phone = rng.uniform() < 0.5
    channel = "phone" if phone else "chat"
    emp = "E%02d" % rng.integers(0, 25)
    # history before the eligible period
    inter.append("%s,%s,%s,web,self_service,,,,,,," % (cid, iso(rng.uniform(0, 80)), emp))
    t0 = rng.uniform(100, 400)
    tp = TPS[rng.integers(0, 4)]
    att = float(np.clip(rng.beta(4, 2), 0, 1))
    problem = rng.uniform() < (0.4 if phone else 0.2)
    resolved = problem and rng.uniform() < 0.65
    base = 1 + 4 * att + (-1.2 if problem and not resolved else 0) + rng.normal(0, 0.7)
    csat = int(np.clip(np.rint(base), 1, 5))
    inter.append("%s,%s,%s,%s,%s,%.3f,%d,%s,%d,1,5," % (
        cid, iso(t0), emp, tp, channel, att, int(problem),
        ("1" if resolved else "0") if problem else "", csat))
    s = (csat - 1) / 4
    eta = (-0.6 + TP_SLOPE[tp] * s + 1.0 * max(csat - 4, 0)
           + (0.35 if resolved else -1.0 if problem else 0) - (0.4 if phone else 0))
    amount0 = round(rng.uniform(80, 120), 2)
    trans.append("%s,%s,%.2f" % (cid, iso(t0 - 30), amount0))
    if rng.uniform() < 1 / (1 + np.exp(-eta)):
        v = rng.uniform()
        up, down = {0: (0.1, 0.7), 1: (0.3, 0.3), 2: (0.85, 0.05)}[0 if csat <= 2 else 1 if csat == 3 else 2]
        factor = 1.4 if v < up else 0.6 if v < up + down else 1.0
        trans.append("%s,%s,%.2f" % (cid, iso(t0 + 20), amount0 * factor))
        nps = int(np.clip(np.rint(2 * csat + rng.normal(0, 1)), 0, 10))
        inter.append("%s,%s,%s,%s,%s,,,,,,,%d" % (cid, iso(t0 + 25), emp, tp, channel, nps))
        d = t0 + 95
        while d < 729:
            trans.append("%s,%s,%.2f" % (cid, iso(d), round(rng.uniform(80, 120), 2)))
            d += rng.uniform(30, 60)
    else:
        trans.append("%s,%s,%.2f" % (cid, iso(t0 + rng.uniform(100, 200)),
                                     round(rng.uniform(40, 80), 2)))
with open("effects_interactions.csv", "w") as f:
    f.write("\n".join(inter) + "\n")
with open("effects_transactions.csv", "w") as f:
    f.write("\n".join(trans) + "\n")
