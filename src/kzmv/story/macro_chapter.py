"""The paragraphs of the macro sections of notebook 05_energy_macro: GDP, inflation, the tenge, openness, neighbours.

Why functions: the World Bank and the IMF are kept side by side, and every
sentence about them compares the years both actually give (read from the
table, not typed), says where the IMF's values are estimates, and is tested.
"""

from __future__ import annotations

import pandas as pd

from kzmv.analysis import macro
from kzmv.story.numbers import number, pct, upper_bound
from kzmv.story.prose import join_and

# Two sources "disagree" about a year's inflation when they differ by at least this many points.
DISAGREEMENT_PP = 1.0
# The implied exchange rate "matches" an official annual average within this many percent.
RATE_MATCH_PCT = 1.0
# Consumer prices rising faster than this (percent a year) count as hyperinflation in a sentence.
HYPERINFLATION_PCT = 100.0


def gdp_sources(gdp: pd.DataFrame, first: int, last: int, copy_gap: float) -> str:
    """How far the World Bank's and the IMF's dollar GDP differ (a :func:`macro.source_gap` table, both present)."""
    window = gdp.loc[first:last]
    if window.empty:
        text = f"No year between {first} and {last} has Kazakhstan's dollar GDP from both sources."
    else:
        worst = int(window["difference"].abs().idxmax())
        text = (
            f"Where both sources give Kazakhstan's GDP in dollars between {first} and {last} they differ by at most "
            f"USD {upper_bound(window['difference'].abs().max(), 2)} billion, in {worst} (World Bank "
            f"{number(window.loc[worst, macro.WB], 2)}, IMF {number(window.loc[worst, macro.IMF], 2)})."
        )
    start = int(gdp.index.min())
    if start < macro.TENGE_INTRODUCED:
        wb, imf = gdp.loc[start, macro.WB], gdp.loc[start, macro.IMF]
        text += (
            f" In {start}, before the tenge replaced the rouble in {macro.TENGE_INTRODUCED}, they are "
            f"{number(max(wb, imf) / min(wb, imf))} times apart (World Bank {number(wb, 1)}, IMF {number(imf, 1)}): dollar GDP of the "
            "rouble years is not comparable across sources."
        )
    return text + (
        f" The growth series copied by Our World in Data matches the IMF file to within {upper_bound(copy_gap, 3)} "
        "points, but it is the same IMF vintage, so this confirms the transcription, not the numbers."
    )


def inflation_sources(cpi: pd.DataFrame, imf_status: pd.Series) -> str:
    """The latest year both sources give CPI inflation (:func:`macro.source_gap`), and the year before.

    ``imf_status`` is :func:`macro.status_of` for the IMF's CPI: an estimate
    is called one.
    """
    year = macro.latest_common_year(cpi)
    if year is None:
        return "No year has consumer-price inflation from both the World Bank and the IMF."
    wb, imf = cpi.loc[year, macro.WB], cpi.loc[year, macro.IMF]
    estimate = f" (an estimate in the {macro.WEO_VINTAGE} WEO)" if imf_status.get(year) == macro.PROJECTED else ""
    gap = abs(imf - wb)
    text = f"For {year} the World Bank gives {pct(wb, 2)} and the IMF {pct(imf, 2)}{estimate}, a gap of {number(gap, 2)} points."
    if year - 1 in cpi.dropna(subset=[macro.WB, macro.IMF]).index:
        text += f" In {year - 1} they gave {pct(cpi.loc[year - 1, macro.WB], 2)} and {pct(cpi.loc[year - 1, macro.IMF], 2)}."
    if gap >= DISAGREEMENT_PP:
        return text + (
            f" Until the {year} figure is checked against the Bureau of National Statistics or the National Bank, any "
            f"statement about {year} inflation should quote both."
        )
    return text + " The two sources agree closely."


def exchange_rate_and_openness(rate_check: pd.DataFrame, cpi: pd.Series, trade_share: pd.Series) -> str:
    """The implied rate against official averages (:func:`macro.exchange_rate_check`), and trade as a share of GDP.

    ``cpi`` is consumer-price inflation by year (IMF), used to say when a large
    difference falls in a year of hyperinflation; ``trade_share`` is trade in
    percent of GDP by year.
    """
    compared = rate_check.dropna(subset=["difference_pct"])
    close = compared[compared["difference_pct"].abs() < RATE_MATCH_PCT]
    far = compared[compared["difference_pct"].abs() >= RATE_MATCH_PCT]
    parts = []
    if len(close):
        parts.append(
            f"The implied rate is within {upper_bound(close['difference_pct'].abs().max(), 3)}% of the National "
            f"Bank's annual average in {join_and(close['year'])}"
        )
    for r in far.itertuples():
        inflation = cpi.get(r.year, float("nan"))
        why = (
            f", because in a year of hyperinflation (consumer prices up {pct(inflation, 0)}) a GDP-weighted average and "
            "a simple average of daily rates differ"
            if inflation > HYPERINFLATION_PCT
            else ""
        )
        parts.append(f"in {r.year} it is {pct(r.difference_pct, signed=True)} off{why}")
    text = "; ".join(parts) if parts else "No official annual average could be compared with the implied rate"
    text = text[0].upper() + text[1:]
    clean = trade_share.dropna()
    return text + (
        f". Trade in goods and services was {pct(clean.iloc[-1])} of GDP in {int(clean.index[-1])}, against "
        f"{pct(clean.max())} at its highest ({int(clean.idxmax())})."
    )


def neighbours(summary: pd.DataFrame, first: int, last: int) -> str:
    """Growth, inflation and openness of Kazakhstan and its comparators (:func:`macro.comparison`)."""
    growth = summary.dropna(subset=["mean_growth_pct"])
    no_growth = summary[summary["mean_growth_pct"].isna()]["country"].tolist()
    cpi = summary.dropna(subset=["cpi_pct"])
    trade = summary.dropna(subset=["trade_pct_gdp"])
    return (
        f"Average real growth {first}–{last}: "
        + ("; ".join(f"{r.country} {pct(r.mean_growth_pct)}" for r in growth.itertuples()) or "no complete series")
        + (f" (no complete series for {join_and(no_growth)})" if no_growth and len(growth) else "")
        + ". Latest CPI inflation (World Bank): "
        + "; ".join(f"{r.country} {pct(r.cpi_pct)} ({int(r.cpi_year)})" for r in cpi.itertuples())
        + ". Latest trade share of GDP: "
        + "; ".join(f"{r.country} {pct(r.trade_pct_gdp, 0)} ({int(r.trade_year)})" for r in trade.itertuples())
        + "."
    )
