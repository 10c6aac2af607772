"""Macro charts in the house style: GDP and growth, inflation by source, the tenge, neighbours.

Where two sources give the same indicator they are drawn side by side, never
averaged; IMF estimates and projections are drawn hollow or hatched so that
they are not read as outturns. Comparator countries wear their partner group's
colour (Russia, China, Central Asia, Turkey), Kazakhstan is drawn in ink. Each
figure takes its words from :mod:`kzmv.story.macro_chapter` and returns a
:class:`~kzmv.figures.style.Chart`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from kzmv.analysis import macro
from kzmv.analysis.periods import BASE_YEAR
from kzmv.figures.style import GROUP_COLOURS, INK, LINESTYLES, MUTED_INK, Chart, FigureText, new_figure, year_axis

SOURCE_COLOURS = {macro.WB: "#0077BB", macro.IMF: "#EE7733"}


def _hollow(ax: Axes, values: pd.Series, colour: str, size: float = 36) -> None:
    """Mark IMF estimates with hollow markers (no legend entry when there are none in the window)."""
    if not values.empty:
        ax.scatter(
            values.index, values.to_numpy(), facecolor="white", edgecolor=colour, zorder=3, s=size, label="IMF estimate"
        )


def gdp_growth_figure(macro_table: pd.DataFrame, first: int, last: int, text: FigureText) -> Chart:
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
    projected = macro.projected_years(macro_table, macro.GDP_USD, macro.IMF)
    imf_gdp = macro.window(macro.series(macro_table, macro.GDP_USD, macro.IMF), first, last)
    est = imf_gdp[imf_gdp.index.isin(projected)]
    _hollow(left, est, SOURCE_COLOURS[macro.IMF])
    left.set_ylabel("USD billion")
    left.legend(loc="upper left", fontsize=8)
    left.set_title("GDP, current prices, USD billion", loc="left", fontsize=10)
    growth = macro.window(macro.series(macro_table, macro.GROWTH, macro.IMF), first, last)
    g_proj = macro.projected_years(macro_table, macro.GROWTH, macro.IMF)
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
    return Chart(
        fig,
        "macro_gdp_growth",
        text,
        table="macro_indicators",
        rows={"iso3": ["KAZ"], "indicator": [macro.GDP_USD, macro.GROWTH], "year": list(range(first, last + 1))},
    )


def inflation_figure(macro_table: pd.DataFrame, first: int, last: int, text: FigureText) -> Chart:
    """CPI inflation from the World Bank and the IMF, with their largest disagreement marked.

    The largest gap (:func:`kzmv.analysis.macro.cpi_disagreement`) is marked only
    if it reaches :data:`kzmv.analysis.macro.DISAGREE_POINTS`.
    """
    found = macro.cpi_disagreement(macro_table, first, last)
    gap, worst, wb, imf, disagree = found.gap, found.worst, found.wb, found.imf, found.disagree
    fig, ax = new_figure(height_in=4.8)
    for source in (macro.WB, macro.IMF):
        values = gap[source].dropna()
        style = {"color": SOURCE_COLOURS[source], "lw": 2, "marker": "o", "ms": 3}
        ax.plot(values.index, values.to_numpy(), ls="-" if source == macro.WB else "--", label=source, **style)
    projected = macro.projected_years(macro_table, macro.CPI, macro.IMF)
    _hollow(ax, gap[macro.IMF][gap.index.isin(projected)].dropna(), SOURCE_COLOURS[macro.IMF], 40)
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
    return Chart(
        fig,
        "macro_inflation",
        text,
        table="macro_indicators",
        rows={"iso3": ["KAZ"], "indicator": [macro.CPI], "year": list(range(first, last + 1))},
    )


def exchange_rate_figure(
    macro_table: pd.DataFrame, check: pd.DataFrame, first: int, last: int, text: FigureText
) -> Chart:
    """The IMF-implied tenge rate, with the official rates that were transcribed."""
    rate = macro.window(macro.series(macro_table, macro.RATE, macro.IMF), first, last)
    projected = macro.projected_years(macro_table, macro.RATE, macro.IMF)
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
    return Chart(fig, "macro_exchange_rate", text, table="exchange_rate_check")


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


def _disputed_cpi(ax: Axes, macro_table: pd.DataFrame, years: list[int], first: int, last: int) -> None:
    """Kazakhstan's CPI in years the two sources dispute: both values as hollow points joined by a bar."""
    gap = macro.source_gap(macro_table, macro.CPI)
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


def neighbours_figure(
    macro_table: pd.DataFrame,
    countries: list[str],
    groups: pd.DataFrame,
    first: int,
    last: int,
    text: FigureText,
    growth_table: Sequence[str] = (),
) -> Chart:
    """Growth, inflation and openness of Kazakhstan and its comparators, one panel each.

    Growth is summarised before the war and in the war years separately, since
    one average over the window would hide the years the report is about:
    ``growth_table`` is that summary as lines of text (written by the story
    layer), set in the fourth panel beside the legend. A CPI value that the
    sources dispute (:func:`kzmv.analysis.macro.disputed_years`) is not drawn as
    part of Kazakhstan's line but as the two disputed values.
    """
    styles = _country_styles(countries, groups)
    disputed = macro.disputed_years(macro_table)
    fig, axes = new_figure(height_in=7.6, nrows=2, ncols=2)
    for ax, (indicator, source, title) in zip(axes.flat, PANELS, strict=False):
        for iso3 in ["KAZ", *countries]:
            src = source or (macro.IMF if iso3 == "KAZ" else macro.IMF_OWID)
            values = macro.window(macro.series(macro_table, indicator, src, iso3), first, last)
            if indicator == macro.CPI and iso3 == "KAZ":
                values = values[~values.index.isin(disputed)]
            ax.plot(values.index, values.to_numpy(), **styles[iso3])
        if indicator == macro.CPI:
            _disputed_cpi(ax, macro_table, disputed, first, last)
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
    legend_ax.text(
        0.0,
        0.42,
        "\n".join(growth_table),
        transform=legend_ax.transAxes,
        va="top",
        fontsize=8,
        color=INK,
        family="monospace",
    )
    return Chart(
        fig,
        "macro_neighbours",
        text,
        table="macro_indicators",
        rows={"iso3": ["KAZ", *countries], "year": list(range(first, last + 1))},
    )
