"""lifetimes' example data sets (also importable as ``cxkit.clv.datasets``).

The CSV files ship in ``cxkit/data/`` (copied from lifetimes 0.11.3, MIT; see its README.md);
each loader is ``pandas.read_csv`` of one file, keyword arguments passed through.
"""

from __future__ import annotations

import pathlib

import pandas as pd

__all__ = ["load_dataset", "load_cdnow_summary", "load_cdnow_summary_data_with_monetary_value",
           "load_transaction_data", "load_donations"]

DATA_DIR = pathlib.Path(__file__).resolve().parent / "data"


def load_dataset(filename, **kwargs):
    """pandas.read_csv of cxkit/data/<filename>."""
    return pd.read_csv(DATA_DIR / filename, **kwargs)


def load_cdnow_summary(**kwargs):
    """CDNOW calibration summary: ID, frequency, recency, T (weeks). lifetimes' Quickstart
    reads it with index_col=[0]."""
    return load_dataset("cdnow_customers_summary.csv", **kwargs)


def load_cdnow_summary_data_with_monetary_value(**kwargs):
    """CDNOW summary with mean repeat spend, indexed by customer_id: frequency, recency, T,
    monetary_value."""
    df = load_dataset("cdnow_customers_summary_with_transactions.csv", **kwargs)
    df.columns = ["customer_id", "frequency", "recency", "T", "monetary_value"]
    return df.set_index("customer_id")


def load_transaction_data(**kwargs):
    """Synthetic transaction log (columns date, id; 5,000 customers, 2014)."""
    return load_dataset("example_transactions.csv", **kwargs)


def load_donations(**kwargs):
    """BG/BB donations data: frequency, recency, periods, weights."""
    return load_dataset("donations.csv", **kwargs)
