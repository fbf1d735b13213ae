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
