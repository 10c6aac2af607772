"""Energy charts in the house style: export routes, oil's share of export value, production.

Routes through Russia are drawn in the Russia group colour and the pipeline to
China in the China colour, because that is what they say about the "vectors";
commodities are not partner groups and take their own earthy palette. Each
figure takes its words from :mod:`kzmv.story.energy_chapter` and returns a
:class:`~kzmv.figures.style.Chart`.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from kzmv.analysis import energy
from kzmv.figures.style import GROUP_COLOURS, INK, MUTED_INK, Chart, FigureText, new_figure, year_axis

ROUTE_STYLE: dict[str, dict] = {
    energy.CPC: {"color": GROUP_COLOURS["Russia"], "label": "CPC pipeline (via Russia to Novorossiysk)"},
    "Atyrau–Samara": {"color": GROUP_COLOURS["Russia"], "alpha": 0.45, "label": "Atyrau–Samara (Russian network)"},
    "Atasu–Alashankou (China)": {"color": GROUP_COLOURS["China"], "label": "Atasu–Alashankou pipeline to China"},
    "Aktau port": {"color": "#777777", "label": "Aktau port (Caspian tankers)"},
    "Rail": {"color": "#BBBBBB", "label": "Rail"},
    # a line hatch, not dots: matplotlib writes each dot of a "..." hatch as a curve, 300 KB of SVG for one bar
    "Not itemised": {"color": "white", "edgecolor": MUTED_INK, "hatch": "\\\\", "label": "Not itemised by the sources"},
}

# What each CPC share is a share of, in a bar label: the pages give three different totals.
DENOMINATOR_SHORT = {
    "stated total exports": "of total",
    "total via main pipelines": "of pipelines",
    "sum of listed routes": "of routes listed",
}


def _bar_label(year: int, period: str) -> str:
    return (
        str(year) if period == "full year" else f"{year}\n{period.replace('January', 'Jan').replace('October', 'Oct')}"
    )


def _break_marks(left, right) -> None:
    """Diagonal marks where the year axis is cut, on both sides of the cut."""
    kwargs = {
        "marker": [(-1, -1.5), (1, 1.5)],
        "markersize": 9,
        "linestyle": "none",
        "color": MUTED_INK,
        "mec": MUTED_INK,
        "mew": 1,
        "clip_on": False,
    }
    left.plot([1], [0], transform=left.transAxes, **kwargs)
    right.plot([0], [0], transform=right.transAxes, **kwargs)


def oil_routes_figure(oil_exports: pd.DataFrame, cpc: pd.DataFrame, text: FigureText) -> Chart:
    """Stacked bars of crude exports by route (million tonnes) on a calendar-year axis, with the CPC's share on top.

    Three things keep unlike from looking alike: the year axis is cut, visibly,
    where there are no figures, so 2013 does not stand beside 2022 as if it were
    the year before; each share names its denominator (the stated total, the main
    pipelines, or the routes listed); and a part year is drawn pale and hatched,
    labelled with its months. The title compares only shares of the same total.
    """
    rest = energy.not_itemised(oil_exports).assign(route="Not itemised")
    routes = oil_exports[oil_exports["route_kind"] == "route"]
    stacked = pd.concat([routes[["year", "period", "route", "value"]], rest], ignore_index=True)
    bars = stacked[["year", "period"]].drop_duplicates().sort_values(["year", "period"]).reset_index(drop=True)
    partial = (bars["period"] != "full year").to_numpy()
    runs = energy.year_runs(sorted(int(y) for y in bars["year"].unique()))
    fig, axes = new_figure(height_in=5.8, ncols=len(runs), sharey=True, width_ratios=[len(r) + 0.6 for r in runs])
    axes = np.atleast_1d(axes)
    bottom = np.zeros(len(bars))
    for route, style in ROUTE_STYLE.items():
        part = stacked[stacked["route"] == route].merge(bars, on=["year", "period"], how="right")["value"].fillna(0)
        style = {"edgecolor": "white", "linewidth": 0.6, **style}
        for ax, run in zip(axes, runs, strict=True):
            for is_partial in (False, True):
                mask = bars["year"].isin(run).to_numpy() & (partial == is_partial)
                if mask.any():
                    pale = {"alpha": 0.4 * style.get("alpha", 1.0)} if is_partial else {}
                    label = style["label"] if ax is axes[-1] and not is_partial else None
                    ax.bar(
                        bars["year"][mask],
                        part.to_numpy()[mask],
                        bottom=bottom[mask],
                        width=0.7,
                        **{**style, **pale, "label": label},
                    )
        bottom += part.to_numpy()
    for i, row in bars.iterrows():
        ax = axes[next(k for k, run in enumerate(runs) if row.year in run)]
        if partial[i]:
            ax.bar(row.year, bottom[i], width=0.7, fill=False, hatch="//", edgecolor=MUTED_INK, linewidth=0.6)
        share = cpc[(cpc["year"] == row.year) & (cpc["period"] == row.period)]
        if not share.empty:
            label = f"CPC {share['cpc_share_pct'].iloc[0]:.0f}%\n{DENOMINATOR_SHORT[share['denominator'].iloc[0]]}"
            ax.text(row.year, bottom[i] + 1, label, ha="center", va="bottom", fontsize=7.5, color=INK)
    for ax, run in zip(axes, runs, strict=True):
        ticks = bars[bars["year"].isin(run)].drop_duplicates("year")
        ax.set_xticks(list(ticks["year"]), [_bar_label(r.year, r.period) for r in ticks.itertuples()])
        ax.set_xlim(run[0] - 0.8, run[-1] + 0.8)
        ax.grid(axis="x", visible=False)
    for left, right in itertools.pairwise(axes):
        left.spines["right"].set_visible(False)
        right.spines["left"].set_visible(False)
        right.tick_params(axis="y", left=False)
        _break_marks(left, right)
    axes[0].set_ylabel("million tonnes")
    axes[0].set_ylim(0, bottom.max() * 1.6)
    handles, _ = axes[-1].get_legend_handles_labels()
    if partial.any():
        handles.append(Patch(facecolor="white", edgecolor=MUTED_INK, hatch="//", label="part year (pale)"))
    axes[-1].legend(handles=handles, loc="upper left", fontsize=7.5, ncol=2)
    return Chart(fig, "energy_oil_routes", text, table="oil_exports")


def oil_production_figure(production: pd.DataFrame, last: int, text: FigureText) -> Chart:
    """Kazakhstan's oil production (TWh), with its post-Soviet low marked."""
    rows = production[production["year"] <= last].dropna(subset=["oil_twh"])
    fig, ax = new_figure(height_in=4.6)
    ax.plot(rows["year"], rows["oil_twh"], color=INK, lw=2)
    low, end = energy.production_low_and_latest(production, last)
    ax.scatter([low.year, end.year], [low.oil_twh, end.oil_twh], color=INK, zorder=3)
    ax.annotate(
        f"{int(low.year)}: {low.oil_twh:,.0f} TWh",
        (low.year, low.oil_twh),
        xytext=(8, -14),
        textcoords="offset points",
        fontsize=8,
    )
    ax.annotate(
        f"{int(end.year)}: {end.oil_twh:,.0f} TWh",
        (end.year, end.oil_twh),
        xytext=(-10, 8),
        textcoords="offset points",
        ha="right",
        fontsize=8,
    )
    year_axis(ax, int(rows["year"].min()), int(end.year))
    ax.set_ylabel("TWh (energy content)")
    ax.set_ylim(bottom=0)
    return Chart(fig, "energy_oil_production", text, table="oil_production")


COMMODITY_STYLE: dict[str, dict] = {
    "CRUDE_OIL": {"color": "#5B3A1E", "label": "Crude oil and condensate (HS 2709)"},
    "PETROLEUM_PRODUCTS": {"color": "#A6611A", "label": "Petroleum products (HS 2710)"},
    "NATURAL_GAS": {"color": "#DFC27D", "label": "Natural gas (HS 271121)"},
    "LPG": {"color": "#F0E2B6", "label": "LPG (HS 271112–19)"},
}


def export_structure_figure(structure: pd.DataFrame, stated: pd.DataFrame, text: FigureText) -> Chart:
    """Oil and gas shares of export value by year; incomplete years left empty and labelled.

    ``stated`` holds oil-and-gas shares published elsewhere (``year``,
    ``value``, ``label``), drawn as markers so a gap year is not left silent.
    """
    complete = structure[structure["item_code"] == "TOTAL"]
    years = complete["year"].tolist()
    fig, ax = new_figure(height_in=5.2)
    bottom = np.zeros(len(years))
    for code, style in COMMODITY_STYLE.items():
        share = energy.share_series(structure, code).reindex(years)
        ax.bar(years, share.fillna(0).to_numpy(), bottom=bottom, width=0.7, edgecolor="white", lw=0.5, **style)
        bottom += share.fillna(0).to_numpy()
    oil_gas = energy.share_series(structure, "OIL_AND_GAS").reindex(years)
    for y, v in oil_gas.items():
        if pd.notna(v):
            ax.text(y, v + 1, f"{v:.0f}%", ha="center", va="bottom", fontsize=8)
    missing = energy.incomplete_years(structure)
    for y, months in missing.items():
        ax.text(y, 2, f"{months} months\nreported:\nnot shown", ha="center", va="bottom", fontsize=7, color=MUTED_INK)
    for row in stated.itertuples():
        ax.scatter([row.year], [row.value], marker="D", color=INK, zorder=3, s=22)
        ax.annotate(
            row.label,
            (row.year, row.value),
            xytext=(0, 8),
            textcoords="offset points",
            ha="center",
            fontsize=7,
            color=INK,
        )
    ax.set_xticks(years)
    ax.set_ylim(0, 100)
    ax.set_ylabel("% of the value of goods exports")
    ax.grid(axis="x", visible=False)
    handles = [Patch(color=s["color"], label=s["label"]) for s in COMMODITY_STYLE.values()]
    ax.legend(handles=handles, loc="upper right", fontsize=8, ncol=2)
    return Chart(fig, "energy_export_structure", text, table="export_structure")


def crude_monthly_figure(crude: pd.DataFrame, shock_year: int, text: FigureText) -> Chart:
    """Each month's fall below its own trend (crude against other exports, log points), with the pre-war threshold.

    The war years are shaded; a month missing from the source leaves a gap in the line.
    """
    fig, ax = new_figure(height_in=4.6)
    x = pd.to_datetime(crude["month"] + "-01")
    years = x.dt.year + (x.dt.month - 0.5) / 12
    ax.axvspan(shock_year, float(years.max()) + 0.1, color="#f2f2f2", lw=0, zorder=0)
    ax.plot(years, crude["deviation_log"], color=INK, lw=1.2)
    below = crude["below_threshold"].fillna(False).astype(bool)
    ax.plot(years[below], crude.loc[below, "deviation_log"], "o", color=GROUP_COLOURS["Russia"], ms=5)
    threshold = float(crude["threshold_log"].iloc[0])
    ax.axhline(threshold, color=GROUP_COLOURS["Russia"], ls="--", lw=1)
    ax.axhline(0, color=MUTED_INK, lw=0.8)
    first = int(x.dt.year.min())
    ax.text(first + 0.1, threshold, "worst twentieth of pre-war months", va="bottom", fontsize=8,
            color=GROUP_COLOURS["Russia"])  # fmt: skip
    ax.text(shock_year + 0.1, 1, "war years", transform=ax.get_xaxis_transform(), va="top", fontsize=8, color=MUTED_INK)
    year_axis(ax, first, int(x.dt.year.max()))
    ax.set_ylabel("log points below (−) or above (+) trend")
    return Chart(fig, "energy_crude_monthly", text, table="crude_exports_monthly")
