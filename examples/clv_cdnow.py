"""Customer-base analysis of the CDNOW sample with cxkit's lifetimes-compatible classes:
summary from transactions, BG/NBD + Gamma-Gamma, P(alive), expected purchases and CLV, and
satisfaction-like covariates. Run from the source tree (ctest examples.py.clv_cdnow)."""
import numpy as np
import pandas as pd

from cxkit.clv import (BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter,
                       calibration_and_holdout_data, summary_data_from_transaction_data)

tx = pd.read_csv("tests/data/cdnow/CDNOW_sample.txt", sep=r"\s+", header=None,
                 names=["master", "id", "date", "cds", "amount"])
tx["date"] = pd.to_datetime(tx["date"].astype(str))

summary = summary_data_from_transaction_data(tx, "id", "date", monetary_value_col="amount",
                                             observation_period_end="1997-09-30", freq="D",
                                             freq_multiplier=7)
bgf = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
print(bgf.summary.round(4))
pnbd = ParetoNBDFitter().fit(summary["frequency"], summary["recency"], summary["T"])
print(pnbd, "log-likelihood", round(pnbd.log_likelihood_, 2))

repeat = summary[summary["frequency"] > 0]
ggf = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
summary["p_alive"] = bgf.conditional_probability_alive(summary["frequency"], summary["recency"],
                                                       summary["T"])
summary["next_39_weeks"] = bgf.predict(39, summary["frequency"], summary["recency"],
                                       summary["T"])
summary["clv_12m"] = ggf.customer_lifetime_value(bgf, summary["frequency"], summary["recency"],
                                                 summary["T"], summary["monetary_value"],
                                                 time=12, discount_rate=0.01, freq="W")
print(summary.head().round(3))

# Calibration vs holdout: predicted and actual purchases in the 39-week holdout
ch = calibration_and_holdout_data(tx, "id", "date", "1997-09-30", "1998-06-30", freq="D",
                                  freq_multiplier=7)
bg_cal = BetaGeoFitter().fit(ch["frequency_cal"], ch["recency_cal"], ch["T_cal"])
pred = bg_cal.predict(39, ch["frequency_cal"], ch["recency_cal"], ch["T_cal"])
print("holdout purchases: actual %.0f, predicted %.0f" % (ch["frequency_holdout"].sum(),
                                                          pred.sum()))

# A covariate on the purchase and dropout processes (here a synthetic 'satisfaction' score)
rng = np.random.default_rng(1)
sat = pd.DataFrame({"satisfaction": rng.normal(size=len(summary))}, index=summary.index)
cov = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"],
                          purchase_covariates=sat, dropout_covariates=sat)
print(pd.DataFrame({"coef": cov.coefs_, "se": cov.coef_standard_errors_}).round(3))

# Intervals: CLV of the first customers with a 90% interval from the Hessian (delta method over
# both models) and from 50 bootstrap refits; the same for a new customer with a given
# satisfaction score under the covariate model.
head = summary.head(3)
print(ggf.customer_lifetime_value_interval(bgf, head["frequency"], head["recency"], head["T"],
                                           head["monetary_value"], time=12, freq="W",
                                           level=0.9).round(2))
print(ggf.customer_lifetime_value_interval(bgf, head["frequency"], head["recency"], head["T"],
                                           head["monetary_value"], time=12, freq="W",
                                           level=0.9, method="bootstrap", n_boot=50).round(2))
new = cov.for_customers(pd.DataFrame({"satisfaction": [-1.0, 1.0]}),
                        pd.DataFrame({"satisfaction": [-1.0, 1.0]}))
print(new.predict_interval(39, [2.0, 2.0], [30.0, 30.0], [38.0, 38.0], level=0.9).round(3))
