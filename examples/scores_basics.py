"""Satisfaction scores from Python: NPS/CSAT with intervals, scores by touchpoint and quarter
on the sample log, shrunk per-employee scores, and the key drivers of CSAT."""
import pathlib

import pandas as pd

from cxkit import drivers, scores

data = pathlib.Path(__file__).resolve().parent / "data" / "interactions.csv"
df = pd.read_csv(data)

print(scores.nps([10, 9, 9, 8, 7, 10, 6, 3, 9, 10]).round(2).to_dict())
print(scores.csat([5, 4, 4, 3, 5, 2, 5, 4, 1, 5, 4, 4]).round(3).to_dict())

by_tp = scores.scores_by(df, by="touchpoint", rating="nps", period="quarter")
print(by_tp[["n", "nps", "lo", "hi"]].head(8).round(1))

agents = scores.shrink(df, by="employee", rating="csat", kind="top_box", threshold=4)
print(agents.sort_values("rank_shrunk").head(5).round(3))

kd = drivers.key_drivers(df, "csat", ["attentiveness", "empathy", "authenticity", "ownership",
                                      "competence", "effort", "wait_time"])
print(kd[["beta", "relative_weight_share", "lmg_share"]].round(3))
print("R2 =", round(kd.attrs["r2"], 4))
