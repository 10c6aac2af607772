"""The paragraphs of the energy sections of notebook 05_energy_macro: oil routes, production and oil's share of exports.

Why functions: the route figures are transcribed, the export shares are left
out for incomplete years, and the headline year is the report's latest complete
year; each sentence states exactly what the tables hold, and is tested. The
words of the sections' figures are written here too, at the end.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pandas as pd

from kzmv.analysis import energy, periods
from kzmv.figures.style import FigureText
from kzmv.story.numbers import as_stated, count, lower_bound, number, pct
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


# --- oil that avoids Russia, and the CPC's disruptions in the monthly exports ---------------------------------


def bypass_paragraph(bypass: pd.DataFrame) -> str:
    """Oil that avoided Russia by year, what the ports figure leaves out, and the share crossing Russia at least.

    The bound is rounded down (:func:`kzmv.story.numbers.lower_bound`): "at least 94.7%"
    must not read "at least 95%".
    """
    full = bypass[bypass["period"] == "full year"]
    both = full.dropna(subset=["bypass_share_pct"])
    if both.empty:
        return "No year has both the oil bypassing Russian ports and the oil piped to China."
    parts = [
        f"{r.year}: {as_stated(r.ports_bypass_mt)} million tonnes bypassing Russian ports and "
        f"{as_stated(r.china_mt)} piped to China, together {pct(r.bypass_share_pct)} of {number(r.total_mt, 1)} "
        "million tonnes exported"
        for r in both.itertuples()
    ]
    first, last = both.iloc[0], both.iloc[-1]
    early = full[full["bypass_share_pct"].isna() & full["china_share_pct"].notna() & (full["year"] < first["year"])]
    early_text = "".join(
        f" In {r.year} the pipeline to China alone carried {as_stated(r.china_mt)} million tonnes, "
        f"{pct(r.china_share_pct)} of the routes the pages list: a larger share than both routes together in "
        f"{last['year']}."
        for r in early.itertuples()
        if r.china_share_pct > last["bypass_share_pct"]
    )
    grew = "grew" if last["bypass_share_pct"] > first["bypass_share_pct"] else "did not grow"
    return (
        "**Oil that avoids Russia.** The press figure counts oil that bypassed Russian ports, mostly tankers from "
        "Aktau across the Caspian; oil piped east to China never reaches a port and is reported apart, so the "
        "figure most likely leaves it out. Counting both: "
        + "; ".join(parts)
        + f". The share that avoided Russia {grew} between {first['year']} and {last['year']}, from "
        f"{pct(first['bypass_share_pct'])} to {pct(last['bypass_share_pct'])} of exports."
        + early_text
        + f" So at least {lower_bound(last['crossing_russia_min_pct'], 0)}% of {last['year']}'s crude crossed Russia, "
        "counting the China pipeline as avoiding it; read as if the ports figure already held the China oil, the "
        f"bound would be {lower_bound(last['crossing_russia_min_ports_only_pct'], 0)}%. Both are rounded down, because "
        "they are lower bounds: oil sent on through Russia's pipeline network to Germany bypasses Russian ports but "
        "not Russia."
    )


def crude_monthly_text(crude: pd.DataFrame, dips: pd.DataFrame, shock_year: int) -> FigureText:
    """The monthly chart's words: how many war-year months fell below the pre-war threshold, and the deepest one."""
    war = dips[dips["year"] >= shock_year]
    below = int(war["below_threshold"].sum())
    deepest = war.loc[war["deepest_log"].idxmin()]
    first, last = crude["month"].iloc[0], crude["month"].iloc[-1]
    threshold = float(crude["threshold_log"].iloc[0])
    worst = f"the worst {pct(100 * energy.DIP_QUANTILE, 0)} of pre-war months"
    head = (
        f"No month since {shock_year} fell as far below its trend as {worst}"
        if below == 0
        else f"{count(below)} months since {shock_year} fell below their trend further than {worst}"
    )
    gaps = crude.loc[crude["crude_usd_m"].isna(), "month"].tolist()
    return FigureText(
        title=f"{head}; the deepest dip was {_month(deepest['deepest_month'])}",
        subtitle=(
            f"Crude oil exports against other exports, deviation from the median of the {energy.TRAILING_MONTHS} "
            f"months before, log points, {first} to {last}"
        ),
        source="Source: Bureau of National Statistics of Kazakhstan, exports by commodity (monthly); kzmv analysis.",
        alt=(
            f"Line chart of the monthly deviation, {first} to {last}, with a dashed line at "
            f"{number(threshold, 2)} log points. Deepest month of each year: "
            + "; ".join(f"{r.year} {_month(r.deepest_month)} {number(r.deepest_log, 2)}" for r in dips.itertuples())
            + "."
        ),
        note=(
            "Values in dollars: price moves stay in the ratio."
            + (
                f" A gap in the line is a month missing from the source ({join_and(_month(m) for m in gaps)})."
                if gaps
                else ""
            )
        ),
    )


def _months(n: int, none: str = "no month") -> str:
    """ "1 month", "3 months", or ``none`` for zero."""
    return none if n == 0 else f"{count(n)} month{'s' if n != 1 else ''}"


def _month(month: str) -> str:
    """``2022-12`` -> ``December 2022``."""
    return pd.Timestamp(f"{month}-01").strftime("%B %Y")


def crude_monthly_paragraph(dips: pd.DataFrame, threshold: float, shock_year: int, named: Sequence[int]) -> str:
    """What the monthly exports show about disruptions in the years the briefing paper names (``named``)."""
    war = dips[dips["year"] >= shock_year]
    pre = dips[dips["year"] < shock_year]
    pre_below = pre[pre["below_threshold"] > 0]
    said = "; ".join(
        f"{r.year}: deepest {_month(r.deepest_month)} ({number(r.deepest_log, 2)})"
        for r in war.itertuples()
        if r.year in set(named)
    )
    return (
        f"**Disruptions in the monthly exports.** A month stands out when crude exports, set against all other "
        f"exports, fell further below the median of the {energy.TRAILING_MONTHS} months before than in the worst "
        f"{pct(100 * energy.DIP_QUANTILE, 0)} of the pre-war months ({number(threshold, 2)} log points). Before the "
        "war that happened in "
        + (join_and(f"{r.year} ({_months(r.below_threshold)})" for r in pre_below.itertuples()) or "no year")
        + f"; since {shock_year}, in {_months(int(war['below_threshold'].sum()), none='no month')}. In the years "
        "the briefing paper "
        f"names for disruptions: {said}. Export values mix volume and price, and a stoppage of a few days or a "
        "loading spread over later weeks need not show in a monthly total; the CPC's own monthly loadings, which "
        "the project does not hold, would be the direct record."
    )
