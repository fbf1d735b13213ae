"""lifetimes' diagnostic plots for the cxkit.clv fitters (matplotlib, imported on use).

Also importable as ``cxkit.clv.plotting``, so that ``from lifetimes.plotting import ...``
becomes ``from cxkit.clv.plotting import ...``. Every function returns the matplotlib Axes it
drew on; names, arguments and defaults follow lifetimes (``title``, ``xlabel``, ``ylabel``,
``**kwargs`` passed to matplotlib), and ``ax=`` draws on a given Axes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "plot_period_transactions", "plot_calibration_purchases_vs_holdout_purchases",
    "plot_frequency_recency_matrix", "plot_probability_alive_matrix",
    "plot_expected_repeat_purchases", "plot_history_alive", "plot_cumulative_transactions",
    "plot_incremental_transactions", "plot_transaction_rate_heterogeneity",
    "plot_dropout_rate_heterogeneity",
]


def _plt():
    import matplotlib.pyplot as plt
    return plt


def _labels(ax, title, xlabel, ylabel):
    if title is not None:
        ax.set_title(title)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)


def plot_period_transactions(model, max_frequency=7, title="Frequency of Repeat Transactions",
                             xlabel="Number of Calibration Period Transactions",
                             ylabel="Customers", seed=0, ax=None, **kwargs):
    """Customers by number of repeat purchases, in the fitted data and in as many customers
    simulated from the fitted model with the same ages T. Bars 0 .. max_frequency, the last
    counting that many or more (Fader and Hardie's figure; lifetimes drops customers above
    max_frequency - 1 instead)."""
    plt = _plt()
    d = model.data
    w = d["weights"].to_numpy() if "weights" in d else np.ones(len(d))
    T = np.repeat(d["T"].to_numpy(), w.astype(int))
    sim = model.generate_new_data(size=len(T), T=T, seed=seed)
    bins = np.arange(max_frequency + 1)
    actual = np.array([w[np.minimum(d["frequency"], max_frequency) == k].sum() for k in bins])
    simulated = np.array([(np.minimum(sim["frequency"], max_frequency) == k).sum()
                          for k in bins])
    labels = kwargs.pop("label", ["Actual", "Model"])
    ax = ax or plt.gca()
    ax.bar(bins - 0.2, actual, width=0.4, label=labels[0], **kwargs)
    ax.bar(bins + 0.2, simulated, width=0.4, label=labels[1], **kwargs)
    _labels(ax, title, xlabel, ylabel)
    ax.legend()
    return ax


def plot_calibration_purchases_vs_holdout_purchases(model, calibration_holdout_matrix,
                                                    kind="frequency_cal", n=7, ax=None,
                                                    **kwargs):
    """Mean holdout purchases, actual and predicted, grouped by ``kind``: 'frequency_cal',
    'recency_cal', 'T_cal' or 'time_since_last_purchase' (T_cal - recency_cal); the first n
    groups."""
    plt = _plt()
    x_labels = {"frequency_cal": "Purchases in calibration period",
                "recency_cal": "Age of customer at last purchase",
                "T_cal": "Age of customer at the end of calibration period",
                "time_since_last_purchase": "Time since user made last purchase"}
    if kind not in x_labels:
        raise ValueError(f"kind must be one of {sorted(x_labels)}")
    d = calibration_holdout_matrix.copy()
    d["model_predictions"] = model.conditional_expected_number_of_purchases_up_to_time(
        d["duration_holdout"].iloc[0], d["frequency_cal"], d["recency_cal"], d["T_cal"])
    if kind == "time_since_last_purchase":
        d[kind] = d["T_cal"] - d["recency_cal"]
    g = d.groupby(kind)[["frequency_holdout", "model_predictions"]].mean().iloc[:n]
    ax = ax or plt.gca()
    ax.plot(g.index, g["frequency_holdout"], marker="o", label="frequency_holdout", **kwargs)
    ax.plot(g.index, g["model_predictions"], marker="s", label="model_predictions", **kwargs)
    _labels(ax, "Actual Purchases in Holdout Period vs Predicted Purchases", x_labels[kind],
            "Average of Purchases in Holdout Period")
    ax.legend()
    return ax


def _matrix_axes(plt, ax, z, title, xlabel, ylabel, kwargs):
    ax = ax or plt.gca()
    kwargs.setdefault("interpolation", "none")
    im = ax.imshow(z, aspect="auto", origin="upper", **kwargs)
    _labels(ax, title, xlabel, ylabel)
    plt.colorbar(im, ax=ax)
    return ax


def plot_frequency_recency_matrix(model, T=1, max_frequency=None, max_recency=None, title=None,
                                  xlabel="Customer's Historical Frequency",
                                  ylabel="Customer's Recency", ax=None, **kwargs):
    """Expected purchases in the next T units over a grid: rows recency 0 .. max_recency,
    columns frequency 0 .. max_frequency, for customers of age max_recency (as lifetimes)."""
    plt = _plt()
    max_frequency = int(max_frequency if max_frequency is not None
                        else model.data["frequency"].max())
    max_recency = int(max_recency if max_recency is not None else model.data["T"].max())
    f, r = np.meshgrid(np.arange(max_frequency + 1), np.arange(max_recency + 1))
    fr, rr = f.ravel().astype(float), np.where(f.ravel() == 0, 0, r.ravel()).astype(float)
    z = model._rows(1, T, fr, rr, np.full(fr.size, float(max_recency))).reshape(f.shape)
    if title is None:
        title = (f"Expected Number of Future Purchases for {T} Unit{'' if T == 1 else 's'} of "
                 "Time,\nby Frequency and Recency of a Customer")
    return _matrix_axes(plt, ax, z, title, xlabel, ylabel, kwargs)


def plot_probability_alive_matrix(model, max_frequency=None, max_recency=None,
                                  title="Probability Customer is Alive,\nby Frequency and "
                                        "Recency of a Customer",
                                  xlabel="Customer's Historical Frequency",
                                  ylabel="Customer's Recency", ax=None, **kwargs):
    """P(alive) over the grid of plot_frequency_recency_matrix."""
    plt = _plt()
    z = model.conditional_probability_alive_matrix(max_frequency, max_recency)
    kwargs.setdefault("vmin", 0)
    kwargs.setdefault("vmax", 1)
    return _matrix_axes(plt, ax, z, title, xlabel, ylabel, kwargs)


def plot_expected_repeat_purchases(model, title="Expected Number of Repeat Purchases per "
                                                "Customer",
                                   xlabel="Time Since First Purchase", ax=None, label=None,
                                   **kwargs):
    """E[X(t)] of a new customer over the fitted ages (solid) and half as far again
    (dashed)."""
    plt = _plt()
    ax = ax or plt.gca()
    max_T = float(model.data["T"].max())
    inside = np.linspace(0, max_T, 100)
    line, = ax.plot(inside, model.expected_number_of_purchases_up_to_time(inside), label=label,
                    **kwargs)
    kwargs.setdefault("color", line.get_color())
    beyond = np.linspace(max_T, 1.5 * max_T, 100)
    ax.plot(beyond, model.expected_number_of_purchases_up_to_time(beyond), ls="--", **kwargs)
    _labels(ax, title, xlabel, None)
    if label is not None:
        ax.legend(loc="lower right")
    return ax


def plot_history_alive(model, t, transactions, datetime_col, freq="D", start_date=None,
                       ax=None, **kwargs):
    """One customer's P(alive) over t periods since their first purchase
    (``calculate_alive_path``), with their purchase periods as dashed vertical lines."""
    from .clv_utils import calculate_alive_path
    plt = _plt()
    ax = ax or plt.gca()
    dates = pd.to_datetime(transactions[datetime_col])
    first = dates.min()
    start_date = first if start_date is None else pd.to_datetime(start_date)
    path = calculate_alive_path(model, transactions, datetime_col, t, freq)
    path_dates = pd.period_range(first.to_period(freq), periods=len(path),
                                 freq=freq).to_timestamp()
    ax.plot(path_dates, path.to_numpy(), "-", label="P_alive", **kwargs)
    bought = dates.dt.to_period(freq).drop_duplicates().dt.to_timestamp()
    ax.vlines(bought.to_numpy(), ymin=0, ymax=1, colors="r", linestyles="dashed",
              label="purchases")
    ax.set_ylim(0, 1.0)
    ax.set_yticks(np.arange(0, 1.1, 0.1))
    ax.set_xlim(start_date, path_dates[-1])
    ax.legend(loc=3)
    _labels(ax, "History of P_alive", None, "P_alive")
    return ax


def _tracking(model, transactions, datetime_col, customer_id_col, t, t_cal, datetime_format,
              freq, set_index_date, freq_multiplier, incremental, title, xlabel, ylabel, ax,
              kwargs):
    from .clv_utils import expected_cumulative_transactions
    plt = _plt()
    ax = ax or plt.gca()
    df = expected_cumulative_transactions(model, transactions, datetime_col, customer_id_col, t,
                                          datetime_format=datetime_format, freq=freq,
                                          freq_multiplier=freq_multiplier,
                                          set_index_date=set_index_date)
    if incremental:
        df = df - df.shift(1)
    ax = df.plot(ax=ax, title=title, **kwargs)
    if set_index_date:
        x_vline, xlabel = df.index[int(t_cal)], "date"
    else:
        x_vline = t_cal
    ax.axvline(x=x_vline, color="r", linestyle="--")
    _labels(ax, None, xlabel, ylabel)
    return ax


def plot_cumulative_transactions(model, transactions, datetime_col, customer_id_col, t, t_cal,
                                 datetime_format=None, freq="D", set_index_date=False,
                                 title="Tracking Cumulative Transactions", xlabel="day",
                                 ylabel="Cumulative Transactions", ax=None, freq_multiplier=1,
                                 **kwargs):
    """Actual and predicted cumulative repeat transactions of the whole cohort
    (``expected_cumulative_transactions``), a dashed line at t_cal (end of calibration)."""
    return _tracking(model, transactions, datetime_col, customer_id_col, t, t_cal,
                     datetime_format, freq, set_index_date, freq_multiplier, False, title,
                     xlabel, ylabel, ax, kwargs)


def plot_incremental_transactions(model, transactions, datetime_col, customer_id_col, t, t_cal,
                                  datetime_format=None, freq="D", set_index_date=False,
                                  title="Tracking Daily Transactions", xlabel="day",
                                  ylabel="Transactions", ax=None, freq_multiplier=1, **kwargs):
    """As plot_cumulative_transactions, per period instead of cumulated."""
    return _tracking(model, transactions, datetime_col, customer_id_col, t, t_cal,
                     datetime_format, freq, set_index_date, freq_multiplier, True, title,
                     xlabel, ylabel, ax, kwargs)


def _density_plot(rv, mean, var, suptitle, xlabel, ylabel, suptitle_fontsize, ax, kwargs):
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(1)
    else:
        fig = ax.figure
    fig.suptitle(suptitle, fontsize=suptitle_fontsize, fontweight="bold")
    x = np.linspace(0, rv.ppf(0.99), 100)
    ax.plot(x, rv.pdf(x), **kwargs)
    _labels(ax, f"mean: {mean:.3f}, var: {var:.3f}", xlabel, ylabel)
    return ax


def plot_transaction_rate_heterogeneity(model, suptitle="Heterogeneity in Transaction Rate",
                                        xlabel="Transaction Rate", ylabel="Density",
                                        suptitle_fontsize=14, ax=None, **kwargs):
    """Density of the purchase rate lambda ~ Gamma(r, alpha) (BG/NBD, MBG/NBD, Pareto/NBD)."""
    from scipy import stats
    r, alpha = model._unload_params("r", "alpha")
    return _density_plot(stats.gamma(r, scale=1 / alpha), r / alpha, r / alpha ** 2, suptitle,
                         xlabel, ylabel, suptitle_fontsize, ax, kwargs)


def plot_dropout_rate_heterogeneity(model, suptitle="Heterogeneity in Dropout Probability",
                                    xlabel="Dropout Probability p", ylabel="Density",
                                    suptitle_fontsize=14, ax=None, **kwargs):
    """Density of the dropout probability p ~ Beta(a, b) (BG/NBD, MBG/NBD); for Pareto/NBD
    the dropout rate mu ~ Gamma(s, beta)."""
    from scipy import stats
    if "a" in model.params_names:
        a, b = model._unload_params("a", "b")
        rv, mean, var = stats.beta(a, b), a / (a + b), a * b / (a + b) ** 2 / (a + b + 1)
    else:
        s, beta = model._unload_params("s", "beta")
        rv, mean, var = stats.gamma(s, scale=1 / beta), s / beta, s / beta ** 2
        if xlabel == "Dropout Probability p":
            xlabel = "Dropout Rate mu"
    return _density_plot(rv, mean, var, suptitle, xlabel, ylabel, suptitle_fontsize, ax,
                         kwargs)
