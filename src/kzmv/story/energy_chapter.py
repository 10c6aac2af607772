"""The paragraphs of the energy sections of notebook 05_energy_macro: oil routes, production and oil's share of exports.

Why functions: the route figures are transcribed, the export shares are left
out for incomplete years, and the headline year is the report's latest complete
year; each sentence states exactly what the tables hold, and is tested. The
words of the sections' figures are written here too, at the end.
"""

from __future__ import annotations

import itertools

import pandas as pd

from kzmv.analysis import energy, periods
from kzmv.figures.style import FigureText
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


# --- the words of the sections' figures ---------------------------------------------------------------------

SOURCE_ROUTES = (
    "Source: Ministry of Energy of Kazakhstan, KazMunayGas, CPC and Reuters figures as quoted in the press "
    "(transcribed; one figure per route and year, the most precise and latest); kzmv analysis."
)


def oil_routes_text(oil_exports: pd.DataFrame, cpc: pd.DataFrame) -> FigureText:
    """The routes chart's words: the CPC's share in the full years with a stated total, and where the axis is cut."""
    runs = energy.year_runs(energy.route_years(oil_exports))
    cuts = [f"{a[-1] + 1}–{b[0] - 1}" for a, b in itertools.pairwise(runs)]
    comparable = cpc[(cpc["period"] == "full year") & (cpc["denominator"] == "stated total exports")].sort_values(
        "year"
    )
    low, high = comparable["cpc_share_pct"].min(), comparable["cpc_share_pct"].max()
    listed = cpc[cpc["denominator"] == "sum of listed routes"]
    part_rows = cpc[cpc["period"] != "full year"]
    return FigureText(
        title=(
            f"The CPC pipeline through Russia carried {number(low)}–{pct(high, 0)} of Kazakhstan's crude exports in "
            f"each full year since {comparable['year'].min()} with a stated total"
        ),
        subtitle=(
            "Crude oil and condensate exports by route, million tonnes, in the years the transcribed figures cover"
            + "".join(f" (the year axis is cut: no figures for {c})" for c in cuts)
        ),
        source=SOURCE_ROUTES,
        alt=(
            "Stacked bar chart of Kazakhstan's crude exports by route, on a calendar-year axis cut where no "
            "figures exist. CPC share: "
            + "; ".join(
                f"{r.year} ({r.period}) {number(r.cpc_mt, 1)} Mt, {pct(r.cpc_share_pct, 0)} of {r.denominator}"
                for r in cpc.itertuples()
            )
            + ". Other routes are the Atyrau–Samara pipeline into Russia, the pipeline to China, Aktau port and rail."
        ),
        note=(
            "".join(
                f"{r.year}: the pages give no total, so the share is of the routes they list, not of all exports. "
                for r in listed.itertuples()
            )
            + "".join(
                f"{r.year}: {r.period} only, a share of the main pipelines' volume; the pale bar is not a full year. "
                for r in part_rows.itertuples()
            )
            + "'Not itemised': stated total less the routes the pages name."
        ),
    )


def oil_production_text(production: pd.DataFrame, last: int) -> FigureText:
    """The production chart's words: how many times its post-Soviet low Kazakhstan produced in the latest year."""
    first = int(production[production["year"] <= last].dropna(subset=["oil_twh"])["year"].min())
    low, end = energy.production_low_and_latest(production, last)
    return FigureText(
        title=(
            f"Kazakhstan produced {number(end.oil_twh / low.oil_twh, 1)} times as much oil in {int(end.year)} as at "
            f"its post-Soviet low in {int(low.year)}"
        ),
        subtitle=f"Oil production, {first}–{int(end.year)}, terawatt-hours of energy content",
        source=(
            "Source: Energy Institute, Statistical Review of World Energy (2025), with major processing by "
            "Our World in Data."
        ),
        alt=(
            f"Line chart of Kazakhstan's oil production from {first} to {int(end.year)}: "
            f"a low of {number(low.oil_twh)} TWh in {int(low.year)}, {number(end.oil_twh)} TWh in {int(end.year)}."
        ),
        note="Production, not exports; energy content, not tonnes.",
    )


def export_structure_text(structure: pd.DataFrame) -> FigureText:
    """The export-structure chart's words: crude's and oil and gas's share of export value in the latest full year."""
    years = structure.loc[structure["item_code"] == "TOTAL", "year"].tolist()
    oil_gas = energy.share_series(structure, "OIL_AND_GAS").reindex(years)
    last_year = int(oil_gas.dropna().index.max())
    crude = energy.share_series(structure, "CRUDE_OIL")
    missing = energy.incomplete_years(structure)
    return FigureText(
        title=(
            f"Crude oil earned {pct(crude[last_year])} of Kazakhstan's export value in {last_year}, "
            f"and oil and gas together {pct(oil_gas[last_year])}"
        ),
        subtitle=f"Oil and gas in the value of goods exports, {years[0]}–{years[-1]}, % of total exports",
        source="Source: Bureau of National Statistics of Kazakhstan, exports by commodity (monthly); kzmv analysis.",
        alt=(
            "Stacked bar chart of oil and gas shares of Kazakhstan's export value by year: "
            + "; ".join(f"{y} crude {pct(crude.get(y))}, oil and gas {pct(v)}" for y, v in oil_gas.items())
            + ". Years with missing months are not shown."
        ),
        note=(
            "Annual shares only for years with all twelve months; "
            + ", ".join(f"{y} has {m} months" for y, m in missing.items())
            + ". Diamond: share published by the Bureau (as quoted)."
        ),
    )
