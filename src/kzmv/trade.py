"""Trade by partner: tidying the panel and ranking partners.

Pure functions on DataFrames. Kazakhstan is the reporter throughout: exports are
Kazakhstan's exports to a partner, imports its imports from it. A missing flow
stays missing (NaN), so a turnover with a missing side is missing too, never a
silent undercount.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from .errors import PipelineError
from .partners import harmonise

Flow = Literal["turnover", "exports", "imports"]
FLOWS: tuple[str, ...] = ("turnover", "exports", "imports")

TRADE_COLUMNS = [
    "year",
    "partner_iso3",
    "partner",
    "group",
    "exports_usd_m",
    "imports_usd_m",
    "turnover_usd_m",
]


def tidy_trade_by_partner(panel: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """The validated WITS/BNS panel as ``trade_by_partner``: one row per year and partner."""
    frame = panel.rename(columns={"exports_usd_million": "exports_usd_m", "imports_usd_million": "imports_usd_m"})
    frame = harmonise(frame, groups, code_col="iso3")
    # sum with min_count=2: turnover is known only where both flows are known
    frame["turnover_usd_m"] = frame[["exports_usd_m", "imports_usd_m"]].sum(axis=1, min_count=2)
    frame["year"] = frame["year"].astype("int64")
    return frame[TRADE_COLUMNS].sort_values(["year", "partner_iso3"], kind="stable").reset_index(drop=True)


def check_flow(flow: str) -> None:
    if flow not in FLOWS:
        raise PipelineError(f"unknown trade flow {flow!r}; choose one of {', '.join(FLOWS)}")


def top_partners(trade: pd.DataFrame, year: int, n: int = 10, flow: str = "turnover") -> pd.DataFrame:
    """The ``n`` largest partners in ``year`` by ``flow``, largest first, with rank and share.

    The share is of the sum over all partners in that year (the panel has no
    "world" row), in percent.
    """
    check_flow(flow)
    if n < 1:
        raise PipelineError(f"the number of top partners must be at least 1, got {n}")
    years = sorted(trade["year"].unique())
    if year not in years:
        raise PipelineError(f"year {year} is not in the trade data ({years[0]}–{years[-1]})")
    column = f"{flow}_usd_m"
    one_year = trade[trade["year"] == year]
    total = one_year[column].sum()
    top = one_year.dropna(subset=[column]).sort_values([column, "partner_iso3"], ascending=[False, True])
    top = top.head(n).reset_index(drop=True)
    top.insert(0, "rank", range(1, len(top) + 1))
    top[f"{flow}_share_pct"] = 100 * top[column] / total
    return top


PRELIMINARY_YEARS: frozenset[int] = frozenset({2025})


def preliminary_label(year: int) -> str:
    """ " (preliminary)" for years whose partner data are incomplete, else ""."""
    return " (preliminary)" if year in PRELIMINARY_YEARS else ""
