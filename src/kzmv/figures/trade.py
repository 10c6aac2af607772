"""Trade charts in the house style. Each takes tidy data and its words, draws one figure and returns it.

The words (title, subtitle, alt text, notes, source line) are written by the
story layer from the same data (:mod:`kzmv.story.trade_chapter`), so a rerun
with other parameters or revised data never leaves a stale headline; each
figure here only draws, and declares the processed table that holds what it
draws.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox

from kzmv.analysis.trade import (
    FIRST_BNS_YEAR,
    MAIN_GROUPS,
    PRELIMINARY_YEARS,
    group_shares_wide,
    last_known_year,
    mirror_flow_year,
)
from kzmv.data.events import fractional_year
from kzmv.data.partners import group_order
from kzmv.figures.style import (
    FLOW_COLOURS,
    GROUP_COLOURS,
    MUTED_INK,
    Chart,
    FigureText,
    PanelData,
    mark_events,
    new_figure,
)

KAZAKH_SIDE = "#555555"
PRELIM_SHADE = "#f2f2f2"


def _year_tick(year: int) -> str:
    return f"{year}\nprelim." if year in PRELIMINARY_YEARS else str(year)


def _spread(values: dict[str, float], min_gap: float) -> dict[str, float]:
    """Label positions near ``values`` but at least ``min_gap`` apart, so end labels never overprint."""
    known = sorted((v, k) for k, v in values.items() if pd.notna(v))
    placed: dict[str, float] = {}
    previous = -np.inf
    for value, key in known:
        placed[key] = max(value, previous + min_gap)
        previous = placed[key]
    return placed


def _place_labels(ax: Axes, points: pd.DataFrame, xcol: str, ycol: str, labels: list[str], colours: list[str]) -> None:
    """Label scatter points, trying a few positions around each so labels avoid each other and the points.

    A small greedy placer: good enough for a dozen points, and deterministic.
    """
    fig = ax.figure
    fig.draw_without_rendering()  # lays the figure out, so positions are final, without rasterising it
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    centres = ax.transData.transform(points[[xcol, ycol]].to_numpy(dtype=float))
    half = 4.5 * fig.dpi / 72  # half a marker's width, 4.5 pt, in this renderer's pixels
    obstacles = [Bbox.from_bounds(x - half, y - half, 2 * half, 2 * half) for x, y in centres]
    candidates = [
        (6, 3, "left", "bottom"),
        (6, -3, "left", "top"),
        (-6, 3, "right", "bottom"),
        (-6, -3, "right", "top"),
        (0, 8, "center", "bottom"),
        (0, -8, "center", "top"),
    ]
    order = np.argsort(-points[ycol].to_numpy(dtype=float))
    for i in order:
        x, y = points[xcol].iloc[i], points[ycol].iloc[i]
        chosen = None
        for dx, dy, ha, va in candidates:
            text = ax.annotate(
                labels[i],
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=8.5,
                color=colours[i],
            )
            box = text.get_window_extent(renderer).expanded(1.04, 1.15)
            others = [b for j, b in enumerate(obstacles) if j != i]
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(b) for b in others):
                chosen = text
                obstacles.append(box)
                break
            text.remove()
        if chosen is None:
            ax.annotate(labels[i], (x, y), xytext=(6, 3), textcoords="offset points", fontsize=8.5, color=colours[i])


def _source_break(ax: Axes, first: int, last: int, label: bool = True) -> None:
    """A thin line between the last WITS and the first BNS year, if both are shown."""
    if first < FIRST_BNS_YEAR <= last:
        ax.axvline(FIRST_BNS_YEAR - 0.5, color=MUTED_INK, linewidth=0.8, linestyle=":", zorder=4)
        if label:
            ax.text(
                FIRST_BNS_YEAR - 0.5,
                1.0,
                "WITS | BNS ",
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=7.5,
                color=MUTED_INK,
            )


def _annual_axis(ax: Axes, first: int, last: int) -> None:
    """Years as intervals: boundaries as ticks, labels centred, so mid-year points sit inside their year."""
    ax.set_xlim(first, last + 1)
    ax.set_xticks(range(first, last + 2))
    ax.set_xticklabels([])
    ax.set_xticks(
        [y + 0.5 for y in range(first, last + 1)], [_year_tick(y) for y in range(first, last + 1)], minor=True
    )
    ax.tick_params(axis="x", which="minor", length=0)
    ax.grid(axis="x", which="major", visible=False)


def _shade_preliminary(ax: Axes, years: Sequence[int], label: bool = True) -> None:
    for year in sorted(set(years) & PRELIMINARY_YEARS):
        ax.axvspan(year - 0.5, year + 0.5, color=PRELIM_SHADE, zorder=0)
        if label:
            ax.text(year, 1.0, "prelim.", transform=ax.get_xaxis_transform(), ha="center", va="bottom", fontsize=7.5)


# --- 1. top partners ---------------------------------------------------------------------------------


def top_partners_figure(top: pd.DataFrame, year: int, text: FigureText) -> Chart:
    """Horizontal bars: exports (solid) and imports (hatched) per partner of ``year``, coloured by group."""
    fig, ax = new_figure(height_in=0.38 * len(top) + 2.4)
    ordered = top.iloc[::-1]
    colours = [GROUP_COLOURS[g] for g in ordered["group"]]
    exports = ordered["exports_usd_m"] / 1000
    imports = ordered["imports_usd_m"] / 1000
    ax.barh(ordered["partner"], exports, color=colours, edgecolor="white", linewidth=0.5)
    ax.barh(
        ordered["partner"],
        imports,
        left=exports,
        color=colours,
        alpha=0.45,
        hatch="///",
        edgecolor="white",
        linewidth=0.5,
    )
    for y, (e, i) in enumerate(zip(exports, imports, strict=True)):
        ax.text(e + i, y, f" {e + i:,.1f}", va="center", fontsize=9)
    ax.set_xlabel("USD billion")
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.08)
    handles = [Patch(color=GROUP_COLOURS[g], label=g) for g in group_order(top["group"])]
    handles += [
        Patch(facecolor="#888888", label="exports (solid)"),
        Patch(facecolor="#888888", alpha=0.45, hatch="///", edgecolor="white", label="imports (hatched)"),
    ]
    ax.legend(handles=handles, loc="lower right", fontsize=8)
    return Chart(
        fig,
        "trade_top_partners",
        text,
        table="trade_by_partner",
        rows={"year": [year], "partner_iso3": list(top["partner_iso3"])},
    )


# --- 2. group shares ------------------------------------------------------------------------------


def _stacked_shares(ax: Axes, wide: pd.DataFrame, gaps: dict[int, list[str]]) -> None:
    years = wide.index.to_numpy()
    bottom = np.zeros(len(wide))
    for group in wide.columns:
        values = wide[group].to_numpy(dtype=float)
        ax.bar(years, values, bottom=bottom, width=0.82, color=GROUP_COLOURS[group], edgecolor="white", linewidth=0.3)
        bottom = bottom + np.nan_to_num(values)
    for year in wide.index[wide.isna().all(axis=1)]:
        who = " and ".join(gaps.get(int(year), [])) or "partners"
        ax.text(year, 50, f"no shares: {who} missing", rotation=90, ha="center", va="center", fontsize=7.5)
    for year in sorted(set(wide.index) & PRELIMINARY_YEARS):
        ax.bar(year, 100, width=0.82, fill=False, hatch="///", edgecolor="white", linewidth=0)
    last = last_known_year(wide)
    cumulative = 0.0
    for group in wide.columns:
        value = wide.loc[last, group]
        if pd.notna(value) and value >= 4:
            ax.text(last + 0.55, cumulative + value / 2, f"{value:.0f}%", va="center", fontsize=8)
        cumulative += 0 if pd.isna(value) else value
    ax.set_ylim(0, 100)
    ax.set_ylabel("% of partner sum")
    ax.grid(axis="x", visible=False)


def group_shares_figure(
    by_group: pd.DataFrame, first_year: int, last_year: int, gaps: dict[int, list[str]], text: FigureText
) -> Chart:
    """Two stacked-bar panels: each group's share of exports and of imports, year by year.

    ``gaps`` maps a year with no shares to the partners whose values are missing.
    """
    fig, axes = new_figure(height_in=8.6, nrows=2, sharex=True)
    wides = {flow: group_shares_wide(by_group, flow, first_year, last_year) for flow in ("exports", "imports")}
    for ax, (flow, wide) in zip(axes, wides.items(), strict=True):
        _stacked_shares(ax, wide, gaps)
        ax.set_title(f"Kazakhstan's {flow}", loc="left", fontsize=11, fontweight="bold")
    years = list(wides["exports"].index)
    step = 1 if len(years) <= 12 else 5
    ticks = [y for y in years if (y - years[0]) % step == 0 or y == years[-1]]
    if step > 1 and len(ticks) > 1 and ticks[-1] - ticks[-2] < 3:
        ticks.pop(-2)
    axes[1].set_xticks(ticks, [_year_tick(y) for y in ticks])
    axes[1].set_xlim(years[0] - 0.6, years[-1] + 1.6)
    groups = list(wides["exports"].columns)
    handles = [Patch(color=GROUP_COLOURS[g], label=g) for g in groups]
    if set(years) & PRELIMINARY_YEARS:
        handles.append(Patch(facecolor="#999999", hatch="///", edgecolor="white", label="preliminary"))
    axes[0].legend(handles=handles, ncols=5, loc="lower left", bbox_to_anchor=(0, 1.09), fontsize=8.5)
    for i, ax in enumerate(axes):
        _source_break(ax, years[0], years[-1], label=i == 1)
    return Chart(
        fig, "trade_group_shares", text, table="trade_by_group", rows={"year": list(range(first_year, last_year + 1))}
    )


# --- 3. levels and events -----------------------------------------------------------------------


def levels_events_figure(levels: pd.DataFrame, monthly: pd.DataFrame, events: pd.DataFrame, text: FigureText) -> Chart:
    """Top: annual turnover with Russia, China and the EU-27; bottom: monthly total trade; events on both.

    The partner data are annual, so each year's value is drawn at the middle of
    its year and events at their exact dates (decimal years); the monthly panel
    shows, at the national level, how trade moved around the events themselves.
    The two panels draw from two tables, so each gets its own numbers in the
    report: ``trade_by_group`` (top) and ``trade_monthly_totals`` (bottom,
    :func:`kzmv.analysis.trade.monthly_table`), cut to the years drawn.
    """
    first, last = int(levels["year"].min()), int(levels["year"].max())
    monthly = monthly[(monthly["month"].dt.year >= first) & (monthly["month"].dt.year <= last)]
    fig, (top, bottom) = new_figure(height_in=8.2, nrows=2, sharex=True, height_ratios=[1.25, 1])
    wide = levels.pivot(index="year", columns="group", values="turnover_usd_m") / 1000
    for group in [g for g in MAIN_GROUPS if g in wide.columns]:
        series = wide[group]
        x = series.index.to_numpy() + 0.5
        top.plot(x, series.to_numpy(), color=GROUP_COLOURS[group], linewidth=2.2, marker="o", markersize=5)
        for year in set(series.index) & PRELIMINARY_YEARS:
            top.plot(year + 0.5, series[year], marker="o", markersize=7, color=GROUP_COLOURS[group], mfc="white")
        top.annotate(
            group,
            (x[-1], series.iloc[-1]),
            xytext=(8, 0),
            textcoords="offset points",
            va="center",
            fontsize=9.5,
            fontweight="bold",
            color=GROUP_COLOURS[group],
        )
    top.set_ylabel("Turnover, USD billion")
    top.set_ylim(0, None)
    top.set_title("Annual trade (exports + imports) with each partner", loc="left", fontsize=10.5)
    for flow in ("exports", "imports"):
        bottom.plot(
            monthly["position"],
            monthly[f"{flow}_usd_m"] / 1000,
            color=FLOW_COLOURS[flow],
            linewidth=1.6,
            label=f"total {flow}",
        )
    bottom.set_ylabel("USD billion per month")
    bottom.set_ylim(0, None)
    bottom.set_title("Monthly total trade with all partners", loc="left", fontsize=10.5)
    bottom.legend(loc="upper left", fontsize=8.5)
    positions = fractional_year(events["date"]).tolist()
    mark_events(top, positions, events["short_label"].tolist())
    mark_events(bottom, positions)
    for ax in (top, bottom):
        _annual_axis(ax, first, last)
        for year in set(range(first, last + 1)) & PRELIMINARY_YEARS:
            ax.axvspan(year, year + 1, color=PRELIM_SHADE, zorder=0)
    top.set_xlim(first, last + 1.45)
    return Chart(
        fig,
        "trade_levels_events",
        text,
        panels=[
            PanelData(
                "top panel",
                "trade_by_group",
                columns=["year", "group", "turnover_usd_m"],
                rows={"year": sorted(levels["year"].unique()), "group": sorted(levels["group"].unique())},
            ),
            PanelData(
                "bottom panel",
                "trade_monthly_totals",
                columns=["month", "exports_usd_m", "imports_usd_m"],
                rows={"year": sorted(monthly["month"].dt.year.unique())},
            ),
        ],
    )


# --- 4. dependence asymmetry ---------------------------------------------------------------------


def _unknown_shares_figure(year: int, text: FigureText) -> Chart:
    """The dependence chart's stand-in for a year without shares; its numbers are that year's empty rows."""
    fig, ax = new_figure(height_in=2.6)
    ax.axis("off")
    ax.text(0.5, 0.5, text.placeholder, ha="center", va="center")
    return Chart(fig, "trade_dependence_asymmetry", text, table="trade_dependence_points", rows={"year": [year]})


def asymmetry_figure(points: pd.DataFrame, year: int, text: FigureText) -> Chart:
    """Each main partner's share of Kazakhstan's exports (x) against its share of imports (y), log scales.

    In a year whose shares are unknown (a partner is missing) the figure says so
    instead of plotting, so that no chart of another year is left in its place.
    Its numbers are ``trade_dependence_points`` (:func:`kzmv.analysis.trade.dependence_table`
    of ``points``): one row per point drawn, or with empty shares where none can be.
    """
    if points[["exports_share", "imports_share"]].isna().any().any():
        return _unknown_shares_figure(year, text)
    fig, ax = new_figure(height_in=6.6)
    low = max(0.3, 0.7 * np.nanmin(points[["exports_share", "imports_share"]].to_numpy()))
    high = 1.4 * np.nanmax(points[["exports_share", "imports_share"]].to_numpy())
    ax.plot([low, high], [low, high], color=MUTED_INK, linestyle="--", linewidth=0.9, zorder=1)
    for kind, marker, size in (("partner", "o", 70), ("group", "D", 95)):
        part = points[points["kind"] == kind]
        ax.scatter(
            part["exports_share"],
            part["imports_share"],
            s=size,
            marker=marker,
            c=[GROUP_COLOURS[g] for g in part["group"]],
            edgecolor="white",
            linewidth=0.8,
            zorder=3,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(mticker.FixedLocator([0.5, 1, 2, 5, 10, 20, 50]))
        axis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:g}%"))
        axis.set_minor_formatter(mticker.NullFormatter())
    ax.set_xlabel(f"Share of Kazakhstan's exports, {year} (log scale)")
    ax.set_ylabel(f"Share of Kazakhstan's imports, {year} (log scale)")
    ax.set_aspect("equal")
    ax.text(0.03, 0.97, "buys more from it\nthan it sells to it", transform=ax.transAxes, va="top", fontsize=8.5)
    ax.text(0.97, 0.03, "sells more to it\nthan it buys from it", transform=ax.transAxes, ha="right", fontsize=8.5)
    handles = [Line2D([], [], marker="o", linestyle="", color="#888888", label="country")]
    handles += [Line2D([], [], marker="D", linestyle="", color="#888888", label="whole group")]
    handles += [Line2D([], [], color=MUTED_INK, linestyle="--", label="equal shares")]
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1, 0.1), fontsize=8)
    _place_labels(
        ax,
        points,
        "exports_share",
        "imports_share",
        [r.label + (" (all)" if r.kind == "group" else "") for r in points.itertuples()],
        [GROUP_COLOURS[g] if g != "Other" else MUTED_INK for g in points["group"]],
    )
    return Chart(fig, "trade_dependence_asymmetry", text, table="trade_dependence_points", rows={"year": [year]})


# --- 5. concentration ----------------------------------------------------------------------------


def concentration_figure(conc: pd.DataFrame, first_year: int, last_year: int, text: FigureText) -> Chart:
    """Effective number of partners (left) and of partner groups (right), 1/HHI, per flow and year.

    The partner panel adds a dashed line for exports with the oil hubs' part of
    the HHI taken out: the concentration exports would show if the oil booked to
    Italy, the Netherlands, Switzerland, Austria and Bermuda went to many final
    buyers. The title says how much of the change since the pre-war year is that part.
    """
    window = conc[(conc["year"] >= first_year) & (conc["year"] <= last_year)]
    fig, axes = new_figure(height_in=5.6, ncols=2)
    for ax, level, title in zip(
        axes, ("partner", "group"), ("Partner countries", "Partner groups (Other = one group)"), strict=True
    ):
        part = window[window["level"] == level]
        wide = part.pivot(index="year", columns="flow", values="effective_number")
        for flow in ("exports", "imports", "turnover"):
            ax.plot(wide.index, wide[flow], color=FLOW_COLOURS[flow], linewidth=2, marker="o", markersize=3)
        top = float(np.nanmax(wide.to_numpy())) if wide.notna().any().any() else 1.0
        if level == "partner":
            exports = part[part["flow"] == "exports"].set_index("year")
            spread = 1 / (exports["hhi"] - exports["hhi_oil_hubs"])
            ax.plot(spread.index, spread, color=FLOW_COLOURS["exports"], linewidth=1.2, linestyle="--")
            known = spread.dropna()
            if not known.empty:
                top = max(top, float(known.max()))
            ax.legend(
                handles=[
                    Line2D(
                        [],
                        [],
                        color=FLOW_COLOURS["exports"],
                        lw=1.2,
                        ls="--",
                        label="exports, oil hubs' part taken out",
                    )
                ],
                loc="upper left",
                fontsize=7.5,
            )
        ax.set_ylim(0, top * 1.1)
        last_known = wide.dropna().index.max() if wide.notna().all(axis=1).any() else wide.index.max()
        for flow, y in _spread(wide.loc[last_known].to_dict(), 0.06 * top).items():
            ax.annotate(
                flow,
                (last_known, wide.loc[last_known, flow]),
                xytext=(last_known + 0.4, y),
                textcoords="data",
                va="center",
                fontsize=8.5,
                color=FLOW_COLOURS[flow],
                fontweight="bold",
            )
        for year in wide.index[wide.isna().all(axis=1)]:
            ax.text(year, 0.02, f"{year}:\nno data", transform=ax.get_xaxis_transform(), ha="center", fontsize=7)
        _shade_preliminary(ax, list(part["year"].unique()))
        _source_break(ax, first_year, last_year)
        ax.set_title(title, loc="left", fontsize=10.5, pad=14)
        ax.set_xlim(wide.index.min() - 0.5, wide.index.max() + 0.5 + 0.13 * (wide.index.max() - wide.index.min() + 1))
        step = 5 if last_year - first_year > 12 else (2 if last_year - first_year > 5 else 1)
        ax.xaxis.set_major_locator(mticker.MultipleLocator(step))
        ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: str(int(v))))
    axes[0].set_ylabel("Effective number (1/HHI)")
    return Chart(
        fig,
        "trade_concentration",
        text,
        table="trade_concentration",
        rows={"year": list(range(first_year, last_year + 1))},
    )


# --- 6. mirror statistics -----------------------------------------------------------------------


def mirror_figure(mirror: pd.DataFrame, text: FigureText) -> Chart:
    """Left: turnover with China as each side records it; right: the flow-by-flow gap where both flows exist."""
    fig, (left, right) = new_figure(height_in=5.4, ncols=2, width_ratios=[1.5, 1])
    turnover = mirror[mirror["flow"] == "turnover"].set_index("year")
    years = turnover.index.to_numpy()
    width = 0.38
    left.bar(
        years - width / 2, turnover["kazakhstan_usd_m"] / 1000, width, color=KAZAKH_SIDE, label="Kazakhstan's figure"
    )
    left.bar(
        years + width / 2, turnover["china_usd_m"] / 1000, width, color=GROUP_COLOURS["China"], label="China's figure"
    )
    for year, row in turnover.iterrows():
        if pd.isna(row["china_usd_m"]):
            left.text(
                year + width / 2,
                1,
                "no full-year\nChinese figure\ntranscribed",
                rotation=90,
                fontsize=7.5,
                ha="center",
                va="bottom",
            )
        else:
            left.text(
                year + width / 2,
                row["china_usd_m"] / 1000,
                f"+{row['gap_pct']:.0f}%",
                ha="center",
                va="bottom",
                fontsize=8.5,
            )
    left.set_xticks(years, [str(y) for y in years])
    left.set_ylabel("USD billion")
    left.set_title("Turnover with China", loc="left", fontsize=10.5)
    left.legend(loc="upper left", fontsize=8.5)
    left.grid(axis="x", visible=False)
    both = mirror[(mirror["flow"] != "turnover") & mirror["china_usd_m"].notna()]
    flow_year = mirror_flow_year(mirror)
    pair = both[both["year"] == flow_year].set_index("flow")
    labels = {"exports": "Kazakh exports\n= China's imports", "imports": "Kazakh imports\n= China's exports"}
    x = np.arange(len(pair))
    right.bar(x - width / 2, pair["kazakhstan_usd_m"] / 1000, width, color=KAZAKH_SIDE)
    right.bar(x + width / 2, pair["china_usd_m"] / 1000, width, color=GROUP_COLOURS["China"])
    for i, (_, row) in enumerate(pair.iterrows()):
        right.text(
            i + width / 2,
            row["china_usd_m"] / 1000,
            f"+{row['gap_usd_m'] / 1000:.1f} bn",
            ha="center",
            va="bottom",
            fontsize=8.5,
        )
    right.set_xticks(x, [labels[f] for f in pair.index])
    right.set_title(f"By flow, {flow_year}", loc="left", fontsize=10.5)
    right.grid(axis="x", visible=False)
    return Chart(
        fig,
        "trade_mirror_china",
        text,
        table="trade_by_partner",
        rows={"partner_iso3": ["CHN"], "year": sorted(mirror["year"].unique())},
    )
