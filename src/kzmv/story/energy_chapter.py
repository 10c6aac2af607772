"""The paragraphs of the energy sections of notebook 05_energy_macro: oil routes, production and oil's share of exports.

Why functions: the route figures are transcribed, the export shares are left
out for incomplete years, and the headline year is the report's latest complete
year; each sentence states exactly what the tables hold, and is tested.
"""

from __future__ import annotations

import pandas as pd

from kzmv.analysis import energy, periods
from kzmv.story.numbers import as_stated, number, pct
from kzmv.story.prose import join_and


def oil_routes(cpc: pd.DataFrame, oil_exports: pd.DataFrame, excluded: pd.DataFrame) -> str:
    """CPC's share of crude exports by year (:func:`energy.cpc_shares`), the routes avoiding Russia, what was left out."""
    shares = "; ".join(
        f"{r.year}{'' if r.period == 'full year' else ' (' + r.period + ')'} {pct(r.cpc_share_pct)} of the {r.denominator}"
        + ("" if pd.isna(r.stated_share_pct) else f" (the page states {as_stated(r.stated_share_pct)}%)")
        for r in cpc.itertuples()
    )
    text = f"CPC's share of crude exports, computed from the volumes: {shares}."
    memo = oil_exports[oil_exports["route_kind"] == "memo"]
    if len(memo):
        avoided = join_and(
            f"{as_stated(r.value)} million tonnes ({pct(r.share_of_total_pct)}) in {r.year}" for r in memo.itertuples()
        )
        text += f" Oil bypassing Russian ports was {avoided}."
    return text + (
        f" Not used: {len(excluded)} rows without a year or giving an expectation (CPC shareholdings, capacity, an "
        "expected volume), CPC throughput including Russian shippers, Russian oil in transit, and destination figures."
    )


def oil_production(oil: pd.Series) -> str:
    """The latest year's oil production (TWh, by year) against a year and ten years earlier."""
    last = int(oil.index.max())
    text = f"Oil production was {number(oil[last])} TWh in {last}"
    earlier = [(last - 1, "a year earlier"), (last - 10, "ten years before")]
    known = [f"{number(oil[y])} TWh {when}" for y, when in earlier if pd.notna(oil.get(y))]
    return text + (f", against {join_and(known)}." if known else ".")


def export_oil_share(structure: pd.DataFrame, stated: pd.DataFrame) -> str:
    """Crude oil's and oil and gas's share of export value (:func:`energy.export_structure`) in the headline year.

    The headline year is the report's latest complete year
    (:func:`periods.last_complete_year`), so that this share and the trade
    chapter describe the same year; a later year the monthly file completes is
    given too. ``stated`` holds shares published elsewhere
    (:func:`energy.stated_oil_gas_shares`), mentioned for years the file
    cannot give.
    """
    crude, oil_gas = energy.share_series(structure, "CRUDE_OIL"), energy.share_series(structure, "OIL_AND_GAS")
    complete = crude.dropna()
    year = periods.last_complete_year(complete.index)
    text = (
        f"In {year} crude oil earned {pct(crude[year])} of the value of Kazakhstan's goods exports, and oil and gas "
        f"together {pct(oil_gas[year])}."
    )
    later = [int(y) for y in complete.index if y > year]
    if later:
        text += (
            " The monthly file also completes "
            + join_and(f"{y} ({pct(crude[y])} and {pct(oil_gas[y])})" for y in later)
            + f", but partner trade for {'that year' if len(later) == 1 else 'those years'} is still preliminary, "
            + f"so the report's comparisons stop at {year}."
        )
    text += (
        f" Over the complete years the crude share ranged from {pct(complete.min())} ({int(complete.idxmin())}) to "
        f"{pct(complete.max())} ({int(complete.idxmax())})."
    )
    gaps = energy.incomplete_years(structure)
    if gaps:
        text += " Left out: " + join_and(f"{y} ({m} months reported)" for y, m in gaps.items()) + "."
    filled = stated[stated["year"].isin(list(gaps))]
    if len(filled):
        text += (
            " For "
            + ("the missing year" if len(filled) == 1 else "the missing years")
            + " a published figure exists: "
            + join_and(
                f"oil and gas {as_stated(r.value)}% of exports in {r.year}, as quoted from the Bureau"
                for r in filled.itertuples()
            )
            + ". It is marked in the chart but not mixed into the series."
        )
    return text
