"""Switching from lifetimes: lifetimes' Quickstart with only the imports changed
(`lifetimes` -> `cxkit.clv`). The printed values are those of lifetimes' documentation.
Run from anywhere (ctest examples.py.clv_switch_from_lifetimes); plots go to PNG files in a
temporary directory."""
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# --- was: from lifetimes import ...; from lifetimes.utils / .plotting / .datasets import ...
from cxkit.clv import BetaGeoFitter, GammaGammaFitter  # noqa: E402
from cxkit.clv.datasets import (load_cdnow_summary,  # noqa: E402
                                load_cdnow_summary_data_with_monetary_value,
                                load_transaction_data)
from cxkit.clv.plotting import (plot_calibration_purchases_vs_holdout_purchases,  # noqa: E402
                                plot_frequency_recency_matrix, plot_period_transactions,
                                plot_probability_alive_matrix)
from cxkit.clv.utils import (calibration_and_holdout_data,  # noqa: E402
                             summary_data_from_transaction_data)

out = tempfile.mkdtemp(prefix="cxkit_clv_")

data = load_cdnow_summary(index_col=[0])
bgf = BetaGeoFitter(penalizer_coef=0.0)
bgf.fit(data["frequency"], data["recency"], data["T"])
print(bgf)          # ... a: 0.79, alpha: 4.41, b: 2.43, r: 0.24>
print(bgf.summary)  # r 0.242593 (se 0.012557), alpha 4.413532, a 0.792886, b 2.425753

for name, plot in (("frequency_recency", plot_frequency_recency_matrix),
                   ("p_alive", plot_probability_alive_matrix),
                   ("period_transactions", plot_period_transactions)):
    plt.figure()
    plot(bgf)
    plt.savefig(f"{out}/{name}.png")
    plt.close("all")

data["predicted_purchases"] = bgf.conditional_expected_number_of_purchases_up_to_time(
    1, data["frequency"], data["recency"], data["T"])
print(data.sort_values(by="predicted_purchases").tail(5))  # 1516: 0.710623 at the top

transaction_data = load_transaction_data()
summary = summary_data_from_transaction_data(transaction_data, "id", "date",
                                             observation_period_end="2014-12-31")
print(summary.head())
bgf.fit(summary["frequency"], summary["recency"], summary["T"])
print(bgf)  # fitted with 5000 subjects, a: 1.85, alpha: 1.86, b: 3.18, r: 0.16

cal = calibration_and_holdout_data(transaction_data, "id", "date",
                                   calibration_period_end="2014-09-01",
                                   observation_period_end="2014-12-31")
bgf.fit(cal["frequency_cal"], cal["recency_cal"], cal["T_cal"])
plt.figure()
plot_calibration_purchases_vs_holdout_purchases(bgf, cal)
plt.savefig(f"{out}/holdout.png")
plt.close("all")
individual = summary.iloc[20]
print(bgf.predict(10, individual["frequency"], individual["recency"], individual["T"]))  # 0.0577

money = load_cdnow_summary_data_with_monetary_value()
returning = money[money["frequency"] > 0]
ggf = GammaGammaFitter(penalizer_coef=0).fit(returning["frequency"], returning["monetary_value"])
print(ggf)  # p: 6.25, q: 3.74, v: 15.45
bgf.fit(money["frequency"], money["recency"], money["T"])
print(ggf.customer_lifetime_value(bgf, money["frequency"], money["recency"], money["T"],
                                  money["monetary_value"], time=12, discount_rate=0.01).head())
# 140.096, 18.943, 38.181, 38.181, 38.181: the documented output (freq="D" is lifetimes'
# default, though CDNOW's T is in weeks: pass freq="W" for 4.345 weeks a month)
print("plots in", out)
