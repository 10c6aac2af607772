"""Key events that charts mark on their time axes (``data/events.csv``).

The events are data, not code, so every chapter marks the same dates with the
same words, and each event names the seed document the report argues from.
A typo in a date or an uncited source is caught here with a message naming
the row, before any chart is drawn.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from kzmv import paths
from kzmv.data.loading import validate_frame
from kzmv.data.schemas import RawSpec
from kzmv.errors import PipelineError

# The three seed documents the report cites; an event must name one of them.
SEED_SOURCES: tuple[str, ...] = ("briefing paper 2025/26", "MP-IDSA 2023", "Jamestown 2023")

EVENT_COLUMNS = ["date", "label", "short_label", "category", "source", "date_note"]

_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"

# Dates are checked as text first (strictly YYYY-MM-DD) and parsed afterwards,
# so "6 Jan 2022" or "2022-1-6" is reported rather than silently guessed.
EVENTS_SCHEMA = pa.DataFrameSchema(
    {
        "date": pa.Column(str, pa.Check.str_matches(_ISO_DATE), nullable=False),
        "label": pa.Column(str, pa.Check.str_length(min_value=1), nullable=False),
        "short_label": pa.Column(str, pa.Check.str_length(min_value=1, max_value=30), nullable=False),
        "category": pa.Column(str, pa.Check.str_matches(r"^[a-z][a-z ]*$"), nullable=False),
        "source": pa.Column(str, pa.Check.isin(SEED_SOURCES), nullable=False),
        # Where the sources disagree on a date, or give less than a day, this says so; empty when the date is
        # the source's own. Optional, so that a file written before the column existed still reads.
        "date_note": pa.Column(str, nullable=True, required=False),
    },
    strict=True,
    unique=["date", "short_label"],
    report_duplicates="all",
)


def events_path() -> Path:
    """``data/events.csv`` under the project root (an input, never an output)."""
    return paths.project_file("data/events.csv")


def load_events(path: Path | None = None) -> pd.DataFrame:
    """The validated events, sorted by date, with ``date`` as a timestamp.

    Raises :class:`PipelineError` naming the file, row and column of any problem.
    """
    path = path or events_path()
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise PipelineError(f"{path}: the events file is missing (expected columns {EVENT_COLUMNS})") from None
    frame = validate_frame(frame, RawSpec(EVENTS_SCHEMA), path)
    dates = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    bad = frame.loc[dates.isna(), "date"]
    if not bad.empty:
        row = int(bad.index[0])
        raise PipelineError(
            f"{path}, row {row + 1} (line {row + 2}), column 'date': expected a real calendar date, found {bad.iloc[0]!r}"
        )
    frame["date"] = dates
    if "date_note" not in frame.columns:
        frame["date_note"] = pd.NA
    return frame.sort_values(["date", "short_label"], kind="stable").reset_index(drop=True)


def fractional_year(dates: pd.Series) -> pd.Series:
    """Dates as decimal years (1 July 2022 is about 2022.5), to place events on an annual axis.

    Annual values are plotted at the middle of their year, so an event in March
    2022 falls visibly inside the 2022 bar or point, not after it.
    """
    dates = pd.to_datetime(dates)
    start = pd.to_datetime(dates.dt.year.astype(str) + "-01-01")
    days = 365 + dates.dt.is_leap_year.astype(int)
    return dates.dt.year + (dates - start).dt.days / days


def events_between(events: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """The events from 1 January of ``first_year`` to 31 December of ``last_year``."""
    years = events["date"].dt.year
    return events[(years >= first_year) & (years <= last_year)].reset_index(drop=True)


def select_events(events: pd.DataFrame, short_labels: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """The events with these ``short_label`` values, in date order; an absent label is an error.

    A chart marks a chosen few events, named by their short labels; if one is
    renamed or removed in ``data/events.csv`` the chart would silently lose it,
    so the run stops and says which labels exist.
    """
    absent = [label for label in short_labels if label not in set(events["short_label"])]
    if absent:
        raise PipelineError(
            f"{events_path()}: no event with short_label {', '.join(map(repr, absent))}; "
            f"available: {', '.join(map(repr, events['short_label']))}"
        )
    return events[events["short_label"].isin(short_labels)].reset_index(drop=True)
