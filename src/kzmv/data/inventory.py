"""Data preparation: read and validate every raw file, summarise what was read."""

from __future__ import annotations

import pandas as pd

from kzmv.data.loading import read_raw
from kzmv.data.manifest import Source, load_manifest


def read_all(manifest: dict[str, Source] | None = None) -> dict[str, pd.DataFrame]:
    """Every raw file in the manifest, validated; the first bad file stops the run."""
    manifest = manifest or load_manifest()
    return {sid: read_raw(sid, manifest) for sid in manifest}


def inventory(raw: dict[str, pd.DataFrame], manifest: dict[str, Source]) -> pd.DataFrame:
    """One row per raw file: what it is, who published it, how much was read, what is missing."""
    rows = []
    for sid, frame in raw.items():
        src = manifest[sid]
        rows.append(
            {
                "source": sid,
                "title": src.title,
                "publisher": src.publisher,
                "licence": src.licence,
                "rows": len(frame),
                "columns": frame.shape[1],
                "empty cells": int(frame.isna().sum().sum()),
            }
        )
    return pd.DataFrame(rows)


# Where a table names Kazakhstan: its code (or, in SIPRI's register, its name) in one of these columns.
KAZAKHSTAN_KEYS: tuple[tuple[str, str], ...] = (
    ("Code", "KAZ"),
    ("Country Code", "KAZ"),
    ("iso3", "KAZ"),
    ("iso3c", "KAZ"),
    ("country_iso3", "KAZ"),
    ("partner_iso3", "KAZ"),
    ("reporter_iso3", "KAZ"),
    ("COUNTERPART_COUNTRY.ID", "KAZ"),
    ("Recipient", "Kazakhstan"),
)
YEAR_COLUMNS: tuple[str, ...] = ("year", "Year", "Delivery year", "TIME_PERIOD")


def _periods(frame: pd.DataFrame) -> tuple[str, str]:
    """First and last period a raw table covers (Kazakhstan's rows where the table has many countries)."""
    for column, value in KAZAKHSTAN_KEYS:
        if column in frame.columns and frame[column].eq(value).any() and frame[column].nunique() > 1:
            frame = frame[frame[column] == value]
    if "month" in frame.columns:
        months = pd.to_datetime(frame["month"]).dropna()
        return f"{months.min():%Y-%m}", f"{months.max():%Y-%m}"
    if "date" in frame.columns:  # dated events (the UN votes): first and last day
        days = pd.to_datetime(frame["date"]).dropna()
        return f"{days.min():%Y-%m-%d}", f"{days.max():%Y-%m-%d}"
    year_col = next((c for c in YEAR_COLUMNS if c in frame.columns), None)
    if year_col is not None:
        years = frame[year_col].dropna().astype(int)
    else:  # wiiw's wide tables: one column per year, "_2003" ...
        filled = [c for c in frame.columns if c.startswith("_") and frame[c].notna().any()]
        years = pd.Series([int(c[1:]) for c in filled])
    return str(years.min()), str(years.max())


def coverage(raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """``source, first, last``: the periods each raw file actually holds (not what its title says)."""
    rows = [dict(zip(("source", "first", "last"), (sid, *_periods(frame)), strict=True)) for sid, frame in raw.items()]
    return pd.DataFrame(rows)
