"""Churn and loyalty effects from Python: pandas tables in and out, plots with matplotlib.
Run from the repository root (uses examples/data/effects_*.csv)."""
import matplotlib

matplotlib.use("Agg")
import pandas as pd

from cxkit import effects as fx

interactions = pd.read_csv("examples/data/effects_interactions.csv")
transactions = pd.read_csv("examples/data/effects_transactions.csv")

rec = fx.recovery(interactions, transactions, confounders=["channel"])
print(rec[rec.method == "verdict"][["outcome", "measure", "estimate", "lower", "upper"]])
print("\n".join(rec.attrs["notes"]))

print(fx.touchpoints(interactions, transactions)[["touchpoint", "rank", "retention_logodds",
                                                  "lower", "upper"]])
print(fx.spend(interactions, transactions)[["experience", "n", "increase", "decrease"]])
print(fx.zones(interactions, transactions)[["zone", "from", "to", "retention"]])

# Cox model straight from the per-customer outcome table
out = fx.outcomes(interactions, transactions)
out["csat"] = out["value"]
cph = fx.CoxPHFitter().fit(out, "surv_days", "churned", formula=["csat", "spend_before"])
print(cph.summary)
print(cph.check_assumptions())

ax = fx.plot_survival(fx.churn_curves(interactions, transactions))
ax.figure.savefig("/tmp/cxkit_churn_curves.png")
