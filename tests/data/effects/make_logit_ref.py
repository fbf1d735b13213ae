"""Reference values for the logistic regression tests (statsmodels Logit).
Run from this directory: /usr/bin/python3 make_logit_ref.py  (writes logit_data.csv and logit_ref.txt)"""
import numpy as np
import pandas as pd
import statsmodels.api as sm

rng = np.random.default_rng(20261122)
n = 500
csat = rng.integers(1, 6, n).astype(float)
att = np.round(rng.uniform(size=n), 3)
chat = rng.integers(0, 2, n).astype(float)
eta = -2.0 + 0.55 * csat + 1.1 * att - 0.4 * chat
y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(float)
d = pd.DataFrame({"y": y, "csat": csat, "att": att, "chat": chat})
d.to_csv("logit_data.csv", index=False)
X = sm.add_constant(d[["csat", "att", "chat"]])
r = sm.Logit(d["y"], X).fit(disp=0, tol=1e-14, maxiter=200)
ci = r.conf_int(0.05)
with open("logit_ref.txt", "w") as f:
    def put(k, v):
        f.write(k + " " + " ".join("%.12g" % x for x in np.ravel(v)) + "\n")
    put("coef", r.params)
    put("se", r.bse)
    put("lower", ci[0])
    put("upper", ci[1])
    put("p", r.pvalues)
    put("llf", [r.llf, r.llnull, r.llr, r.llr_pvalue])
    put("vcov", r.cov_params().values)
