"""Macro charts in the house style: GDP and growth, inflation by source, the tenge, neighbours.

Where two sources give the same indicator they are drawn side by side, never
averaged; IMF estimates and projections are drawn hollow or hatched so that
they are not read as outturns. Comparator countries wear their partner group's
colour (Russia, China, Central Asia, Turkey), Kazakhstan is drawn in ink.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from kzmv.analysis import macro
from kzmv.analysis.periods import BASE_YEAR, SHOCK_YEAR
from kzmv.figures.style import (
    GROUP_COLOURS,
    INK,
    LINESTYLES,
    MUTED_INK,
    FigureText,
    new_figure,
    pct,
    publish,
    year_axis,
)

SOURCE_COLOURS = {macro.WB: "#0077BB", macro.IMF: "#EE7733"}
SOURCE_MACRO = (
    "Sources: World Bank, World Development Indicators; IMF, World Economic Outlook (April 2025); kzmv analysis."
)


def _hollow(ax: Axes, values: pd.Series, colour: str, size: float = 36) -> None:
    """Mark IMF estimates with hollow markers (no legend entry when there are none in the window)."""
    if not values.empty:
        ax.scatter(
            values.index, values.to_numpy(), facecolor="white", edgecolor=colour, zorder=3, s=size, label="IMF estimate"
        )


def _projected_years(macro_table: pd.DataFrame, indicator: str, source: str) -> set[int]:
    status = macro.status_of(macro_table, indicator, source)
    return {int(y) for y, s in status.items() if s == macro.PROJECTED}


def gdp_growth_figure(macro_table: pd.DataFrame, first: int, last: int) -> None:
    """GDP in dollars from both sources, and real growth, with IMF estimates marked."""
    fig, (left, right) = new_figure(height_in=4.8, ncols=2)
    for source in (macro.WB, macro.IMF):
        gdp = macro.window(macro.series(macro_table, macro.GDP_USD, source), first, last)
        left.plot(
            gdp.index,
            gdp.to_numpy(),
            color=SOURCE_COLOURS[source],
            lw=2,
            ls="-" if source == macro.WB else "--",
            label=source,
        )
    projected = _projected_years(macro_table, macro.GDP_USD, macro.IMF)
    imf_gdp = macro.window(macro.series(macro_table, macro.GDP_USD, macro.IMF), first, last)
    est = imf_gdp[imf_gdp.index.isin(projected)]
    _hollow(left, est, SOURCE_COLOURS[macro.IMF])
    left.set_ylabel("USD billion")
    left.legend(loc="upper left", fontsize=8)
    left.set_title("GDP, current prices, USD billion", loc="left", fontsize=10)
    growth = macro.window(macro.series(macro_table, macro.GROWTH, macro.IMF), first, last)
    g_proj = _projected_years(macro_table, macro.GROWTH, macro.IMF)
    bars = right.bar(growth.index, growth.to_numpy(), color=SOURCE_COLOURS[macro.IMF], width=0.7)
    for bar, year in zip(bars, growth.index, strict=True):
        if year in g_proj:
            bar.set_facecolor("white")
            bar.set_edgecolor(SOURCE_COLOURS[macro.IMF])
            bar.set_hatch("///")
    right.axhline(0, color=INK, lw=0.8)
    right.set_ylabel("% change on previous year")
    right.set_title("Real GDP growth, % (IMF; hatched: estimate)", loc="left", fontsize=10)
    for ax in (left, right):
        year_axis(ax, first, last)
    end_year = int(imf_gdp.dropna().index.max())
    end_note = " (IMF estimate)" if end_year in projected else ""
    start = imf_gdp.dropna().iloc[0]
    mean = macro.mean_growth(macro_table, "KAZ", first, last)
    publish(
        fig,
        "macro_gdp_growth",
        FigureText(
            title=(
                f"Kazakhstan's GDP was USD {imf_gdp[end_year]:.0f} bn in {end_year}{end_note}, "
                f"{imf_gdp[end_year] / start:.1f} times its {int(imf_gdp.dropna().index[0])} dollar value; "
                f"real growth averaged {mean:.1f}% a year"
            ),
            subtitle=f"GDP in current US dollars (World Bank and IMF) and real GDP growth (IMF), {first}–{last}",
            source=SOURCE_MACRO,
            alt=(
                f"Left: line chart of Kazakhstan's GDP in USD billion, {first}–{last}, World Bank and IMF almost "
                f"identical, USD {imf_gdp[end_year]:.0f} bn in {end_year}{end_note}. Right: bar chart of real growth, "
                f"averaging {mean:.1f}% a year; lowest {growth.min():.1f}% in {int(growth.idxmin())}, "
                f"highest {growth.max():.1f}% in {int(growth.idxmax())}."
            ),
            note="Average growth is the compound annual rate over the years shown.",
        ),
        table="macro_indicators",
        rows={"iso3": ["KAZ"], "indicator": [macro.GDP_USD, macro.GROWTH], "year": list(range(first, last + 1))},
    )


DISAGREE_POINTS = 1.0  # a gap this large between sources is a disagreement worth a title, not noise


def inflation_figure(macro_table: pd.DataFrame, first: int, last: int) -> None:
    """CPI inflation from the World Bank and the IMF, with their largest disagreement marked.

    If no year in the window differs by :data:`DISAGREE_POINTS` or more, the
    title says that the sources agree instead of promoting a rounding gap.
    """
    gap = macro.source_gap(macro_table, macro.CPI)
    gap = gap[(gap.index >= first) & (gap.index <= last)]
    fig, ax = new_figure(height_in=4.8)
    for source in (macro.WB, macro.IMF):
        values = gap[source].dropna()
        style = {"color": SOURCE_COLOURS[source], "lw": 2, "marker": "o", "ms": 3}
        ax.plot(values.index, values.to_numpy(), ls="-" if source == macro.WB else "--", label=source, **style)
    projected = _projected_years(macro_table, macro.CPI, macro.IMF)
    _hollow(ax, gap[macro.IMF][gap.index.isin(projected)].dropna(), SOURCE_COLOURS[macro.IMF], 40)
    both = gap.dropna(subset=["difference"])
    worst = int(both["difference"].abs().idxmax())
    wb, imf = gap.loc[worst, macro.WB], gap.loc[worst, macro.IMF]
    disagree = abs(imf - wb) >= DISAGREE_POINTS
    if disagree:
        for value, source in ((wb, macro.WB), (imf, macro.IMF)):
            ax.annotate(
                f"{value:.1f}%",
                (worst, value),
                xytext=(8, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
                color=SOURCE_COLOURS[source],
                fontweight="bold",
            )
        ax.vlines(worst, min(wb, imf), max(wb, imf), color=MUTED_INK, lw=1, ls=":")
    year_axis(ax, first, last)
    ax.set_xlim(first - 0.5, last + 1.5)
    ax.set_ylabel("% change, annual average")
    ax.legend(loc="upper right", fontsize=8)
    status = " (an IMF estimate)" if worst in projected else ""
    others = both.drop(index=worst)["difference"].abs()
    agree = others.max() if disagree and not others.empty else both["difference"].abs().max()
    title = (
        f"For {worst} the World Bank reports {wb:.1f}% consumer-price inflation and the IMF {imf:.1f}%{status}: "
        f"a gap of {abs(imf - wb):.1f} points, where in other years they differ by at most {agree:.1f}"
        if disagree
        else f"The World Bank and the IMF agree on Kazakhstan's CPI inflation within {agree:.1f} points in every "
        f"year from {int(both.index.min())} to {int(both.index.max())}"
    )
    latest_wb = int(gap[macro.WB].dropna().index.max())
    publish(
        fig,
        "macro_inflation",
        FigureText(
            title=title,
            subtitle=f"Kazakhstan, CPI inflation (annual average), {first}–{last}, % by source",
            source=SOURCE_MACRO,
            alt=(
                f"Line chart of Kazakhstan's CPI inflation from the World Bank and the IMF, {first}–{last}. "
                + (
                    f"The two agree within {agree:.1f} points except in {worst}: World Bank {wb:.1f}%, IMF {imf:.1f}%."
                    if disagree
                    else f"The two agree within {agree:.1f} points in every year shown."
                )
            ),
            note=(
                f"The World Bank's {latest_wb} value came with an automated update of its data and is unverified; "
                "where the sources differ, both are shown."
                if disagree and worst == latest_wb
                else "Where the sources differ, both are shown."
            ),
        ),
        table="macro_indicators",
        rows={"iso3": ["KAZ"], "indicator": [macro.CPI], "year": list(range(first, last + 1))},
    )


def exchange_rate_figure(macro_table: pd.DataFrame, check: pd.DataFrame, first: int, last: int) -> None:
    """The IMF-implied tenge rate, with the official rates that were transcribed."""
    rate = macro.window(macro.series(macro_table, macro.RATE, macro.IMF), first, last)
    projected = _projected_years(macro_table, macro.RATE, macro.IMF)
    fig, ax = new_figure(height_in=4.8)
    ax.plot(rate.index, rate.to_numpy(), color=INK, lw=2, label="Implied by IMF GDP (NGDP / NGDPD)")
    est = rate[rate.index.isin(projected)]
    _hollow(ax, est, INK)
    shown = check[check["year"].between(first, last)]
    annual, point = shown[shown["kind"] == "annual average"], shown[shown["kind"] == "point rate"]
    ax.scatter(
        annual["year"],
        annual["official_kzt_per_usd"],
        marker="D",
        color="#0077BB",
        s=40,
        zorder=4,
        label="National Bank annual average (as quoted)",
    )
    ax.scatter(
        point["year"],
        point["official_kzt_per_usd"],
        marker="x",
        color="#EE7733",
        s=40,
        zorder=4,
        label="Single-day or monthly official rate (as quoted)",
    )
    year_axis(ax, first, last)
    ax.set_ylabel("tenge per US dollar")
    ax.legend(loc="upper left", fontsize=8)
    checked = check.dropna(subset=["difference_pct"])
    close = checked[checked["difference_pct"].abs() < 1]
    publish(
        fig,
        "macro_exchange_rate",
        FigureText(
            title=(
                f"The tenge went from {rate.iloc[0]:.0f} to {rate.iloc[-1]:.0f} per US dollar between "
                f"{int(rate.index[0])} and {int(rate.index[-1])}; the IMF-implied rate is within "
                f"{close['difference_pct'].abs().max():.2f}% of the official average in {len(close)} of "
                f"{len(checked)} years checked"
            ),
            subtitle=f"Kazakhstan, tenge per US dollar, {first}–{last}: implied annual rate and official rates",
            source=(
                "Sources: IMF, World Economic Outlook (April 2025); National Bank of Kazakhstan and KASE rates as "
                "quoted by Kazinform and The Times of Central Asia; kzmv analysis."
            ),
            alt=(
                f"Line chart of the tenge per US dollar implied by IMF GDP data, {int(rate.index[0])}–"
                f"{int(rate.index[-1])}, from {rate.iloc[0]:.0f} to {rate.iloc[-1]:.0f}, with official annual averages "
                + ", ".join(f"{r.year}: {r.official_kzt_per_usd:g}" for r in annual.itertuples())
                + " and point rates "
                + ", ".join(f"{r.year}: {r.official_kzt_per_usd:g}" for r in point.itertuples())
                + "."
            ),
            note=(
                "Point rates ("
                + "; ".join(
                    f"{r.year}: {r.label.removeprefix('USD/KZT ')}"
                    for r in check[check["kind"] == "point rate"].itertuples()
                )
                + ") are not annual averages and are not compared."
            ),
        ),
        table="exchange_rate_check",
    )


PANELS = (
    (macro.GROWTH, None, "Real GDP growth, %"),
    (macro.CPI, macro.WB, "CPI inflation, % (World Bank; a disputed year: both sources, hollow)"),
    (macro.TRADE, macro.WB_OWID, "Trade, % of GDP (World Bank)"),
)


def _country_styles(countries: list[str], groups: pd.DataFrame) -> dict[str, dict]:
    """Kazakhstan in ink; each comparator in its group's colour, line style varying within a group."""
    styles = {"KAZ": {"color": INK, "lw": 2.6, "ls": "-"}}
    used: dict[str, int] = {}
    for iso3 in countries:
        hit = groups.loc[groups["iso3"] == iso3, "group"]
        group = str(hit.iloc[0]) if not hit.empty else "Other"
        n = used.get(group, 0)
        used[group] = n + 1
        styles[iso3] = {"color": GROUP_COLOURS[group], "lw": 1.6, "ls": LINESTYLES[n % len(LINESTYLES)]}
    return styles


def _ordinal(n: int, of: int) -> str:
    """A rank among ``of`` economies in words: "the fastest", "the third fastest", "the second slowest"."""
    words = {1: "", 2: "second ", 3: "third ", 4: "fourth ", 5: "fifth "}
    if n <= (of + 1) // 2:
        return f"the {words.get(n, f'{n}th ')}fastest"
    back = of - n + 1
    return f"the {words.get(back, f'{back}th ')}slowest"


def _disputed_cpi(ax: Axes, macro_table: pd.DataFrame, years: list[int], first: int, last: int) -> list[str]:
    """Kazakhstan's CPI in years the two sources dispute: both values as hollow points joined by a bar."""
    gap = macro.source_gap(macro_table, macro.CPI)
    notes = []
    for year in (y for y in years if first <= y <= last):
        wb, imf = gap.loc[year, macro.WB], gap.loc[year, macro.IMF]
        ax.vlines(year, min(wb, imf), max(wb, imf), color=INK, lw=1, zorder=3)
        for value, source in ((wb, macro.WB), (imf, macro.IMF)):
            ax.scatter([year], [value], facecolor="white", edgecolor=SOURCE_COLOURS[source], s=30, zorder=4, lw=1.4)
        ax.annotate(
            f"{year}: disputed\n(WB {wb:.1f}, IMF {imf:.1f})",
            (year, max(wb, imf)),
            xytext=(-4, 14),
            textcoords="offset points",
            ha="right",
            fontsize=7,
            color=MUTED_INK,
        )
        notes.append(f"{year} Kazakhstan CPI: World Bank {wb:.1f}%, IMF {imf:.1f}% (estimate), both shown")
    return notes


def neighbours_figure(
    macro_table: pd.DataFrame, summary: pd.DataFrame, countries: list[str], groups: pd.DataFrame, first: int, last: int
) -> None:
    """Growth, inflation and openness of Kazakhstan and its comparators, one panel each.

    Growth is summarised before the war and in the war years separately, since
    one average over the window would hide the years the report is about; a
    CPI value that the sources dispute (:func:`kzmv.analysis.macro.disputed_years`)
    is not drawn as part of Kazakhstan's line but as the two disputed values.
    """
    styles = _country_styles(countries, groups)
    disputed = macro.disputed_years(macro_table)
    fig, axes = new_figure(height_in=7.6, nrows=2, ncols=2)
    dispute_notes: list[str] = []
    for ax, (indicator, source, title) in zip(axes.flat, PANELS, strict=False):
        for iso3 in ["KAZ", *countries]:
            src = source or (macro.IMF if iso3 == "KAZ" else macro.IMF_OWID)
            values = macro.window(macro.series(macro_table, indicator, src, iso3), first, last)
            if indicator == macro.CPI and iso3 == "KAZ":
                values = values[~values.index.isin(disputed)]
            ax.plot(values.index, values.to_numpy(), **styles[iso3])
        if indicator == macro.CPI:
            dispute_notes = _disputed_cpi(ax, macro_table, disputed, first, last)
        if indicator == macro.GROWTH and first <= BASE_YEAR < last:
            ax.axvspan(BASE_YEAR + 0.5, last + 0.5, color="#f2f2f2", zorder=0, lw=0)
            ax.text(
                BASE_YEAR + 0.7,
                0.97,
                "war years",
                transform=ax.get_xaxis_transform(),
                fontsize=7.5,
                color=MUTED_INK,
                va="top",
            )
        ax.set_title(title, loc="left", fontsize=10)
        if indicator != macro.TRADE:
            ax.axhline(0, color=INK, lw=0.6)
        year_axis(ax, first, last)
    legend_ax = axes.flat[3]
    legend_ax.axis("off")
    handles = [Line2D([], [], label=macro.country_name(c, groups), **styles[c]) for c in ["KAZ", *countries]]
    legend_ax.legend(handles=handles, loc="upper left", fontsize=9, title="Country")
    before = f"{first}–{min(last, BASE_YEAR)}"
    war = f"{SHOCK_YEAR}–{last}" if last > SHOCK_YEAR else str(SHOCK_YEAR)
    lines = ["Average real growth, % a year:", f"{'':14}{before:>10}{war:>11}"] + [
        f"{r.country[:14]:14}{pct(r.growth_before_war_pct, 1):>10}{pct(r.growth_war_years_pct, 1):>11}"
        for r in summary.itertuples()
    ]
    legend_ax.text(
        0.0, 0.42, "\n".join(lines), transform=legend_ax.transAxes, va="top", fontsize=8, color=INK, family="monospace"
    )
    ranked = summary.dropna(subset=["growth_war_years_pct"]).sort_values("growth_war_years_pct", ascending=False)
    kaz = summary.set_index("iso3").loc["KAZ"]
    rank = list(ranked["iso3"]).index("KAZ") + 1 if "KAZ" in set(ranked["iso3"]) else None
    title = (
        f"In the war years ({war}) Kazakhstan grew {kaz.growth_war_years_pct:.1f}% a year, {_ordinal(rank, len(ranked))} of the "
        f"{len(ranked)} economies shown, against {kaz.growth_before_war_pct:.1f}% a year in {before}"
        if rank
        else f"Kazakhstan and its neighbours, {first}–{last}"
    )
    publish(
        fig,
        "macro_neighbours",
        FigureText(
            title=title,
            subtitle=f"Real GDP growth (%), CPI inflation (%) and trade (% of GDP), {first}–{last}",
            source=(
                "Sources: IMF, World Economic Outlook (April 2025), partly via Our World in Data; World Bank, World "
                "Development Indicators, trade via Our World in Data; kzmv analysis."
            ),
            alt=(
                f"Three line charts comparing Kazakhstan with {', '.join(macro.country_name(c, groups) for c in countries)}, "
                f"{first}–{last}. Average real growth {before} and {war}: "
                + "; ".join(
                    f"{r.country} {pct(r.growth_before_war_pct, 1)} and {pct(r.growth_war_years_pct, 1)}"
                    for r in summary.itertuples()
                )
                + ". Latest undisputed CPI inflation: "
                + "; ".join(f"{r.country} {pct(r.cpi_pct, 1)} ({r.cpi_year})" for r in summary.itertuples())
                + ". Latest trade share of GDP: "
                + "; ".join(f"{r.country} {pct(r.trade_pct_gdp)} ({r.trade_year})" for r in summary.itertuples())
                + "."
            ),
            note=(
                "A country's line stops where its source has no value"
                + "".join(
                    f"; World Bank CPI for {r.country} ends in {r.cpi_year}"
                    for r in summary.itertuples()
                    if r.iso3 != "KAZ" and r.cpi_year is not None and not pd.isna(r.cpi_year) and r.cpi_year < last
                )
                + "".join(f"; {n}" for n in dispute_notes)
                + ". Growth after the last actual year is an IMF estimate."
            ),
        ),
        table="macro_indicators",
        rows={"iso3": ["KAZ", *countries], "year": list(range(first, last + 1))},
    )
