"""Trade charts in the house style. Each takes tidy data and publishes one figure.

Titles are sentences computed from the data they sit on, so a rerun with other
parameters or revised data never leaves a stale headline.
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
    BASE_YEAR,
    FIRST_BNS_YEAR,
    HUBS,
    MAIN_GROUPS,
    PRELIMINARY_YEARS,
    change_pct,
    concentration_value,
    group_name,
    group_shares_wide,
    hub_part_of_change,
    last_complete_year,
    preliminary_label,
)
from kzmv.data.events import fractional_year
from kzmv.data.partners import group_order
from kzmv.figures.style import (
    FLOW_COLOURS,
    GROUP_COLOURS,
    MUTED_INK,
    FigureText,
    PanelData,
    mark_events,
    new_figure,
    publish,
)

SOURCE_TRADE = (
    "Source: Bureau of National Statistics of Kazakhstan (2020 on); WITS/UN Comtrade, Kazakhstan as reporter "
    "(to 2019); kzmv analysis."
)
SOURCE_MONTHLY = "Monthly totals: Bureau of National Statistics of Kazakhstan."
SOURCE_MIRROR = (
    "Source: Kazakhstan: Bureau of National Statistics (trade by partner). China: customs figures (General "
    "Administration of Customs) as quoted in news pages and transcribed by kzmv; where two pages give one figure, "
    "the later page is used."
)
KAZAKH_SIDE = "#555555"
PRELIM_SHADE = "#f2f2f2"


def _pct(value: float, digits: int = 0) -> str:
    """A percentage for a title or label; "n/a" where the value is unknown."""
    return "n/a" if pd.isna(value) else f"{value:.{digits}f}%"


def _year_tick(year: int) -> str:
    return f"{year}\nprelim." if year in PRELIMINARY_YEARS else str(year)


def _change_words(pct: float) -> str:
    if pd.isna(pct):
        return "changed by an unknown amount"
    return f"grew by {pct:.0f}%" if pct >= 0 else f"fell by {-pct:.0f}%"


def _changes_sentence(changes: list[tuple[str, float]]) -> str:
    """ "with the EU-27 grew by 69%, with China by 68% and with Russia by 14%" (verbs repeated if signs differ)."""
    same_sign = len({c >= 0 for _, c in changes}) == 1
    parts = []
    for i, (group, pct) in enumerate(changes):
        words = _change_words(pct)
        if same_sign and i > 0:
            words = words.split(" ", 1)[1]  # "grew by 68%" -> "by 68%"
        parts.append(f"with {group_name(group)} {words}")
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


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


def _last_known(wide: pd.DataFrame, complete: bool = False) -> int:
    """The latest year (index) with values, preferring a non-preliminary one if ``complete``."""
    known = [int(y) for y in wide.dropna(how="all").index]
    if complete and any(y not in PRELIMINARY_YEARS for y in known):
        known = [y for y in known if y not in PRELIMINARY_YEARS]
    return max(known)


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


def top_partners_figure(top: pd.DataFrame, year: int, flow: str, missing: Sequence[str] = ()) -> None:
    """Horizontal bars: exports (solid) and imports (hatched) per partner, coloured by group.

    ``missing`` names partners with no value that year; they cannot be ranked,
    and the shares are then unknown because the total is.
    """
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
    leader = top.iloc[0]
    prelim = preliminary_label(year)
    share = leader[f"{flow}_share_pct"]
    share_text = (
        f", with {share:.0f}% of the total"
        if pd.notna(share)
        else f" among partners with data ({', '.join(missing)} missing)"
    )
    note = "Shares are of the sum over all partners."
    if missing:
        note += f" No {year} values for {', '.join(missing)}: not ranked, and the total is unknown."
    publish(
        fig,
        "trade_top_partners",
        FigureText(
            title=f"{leader.partner} was Kazakhstan's largest trading partner by {flow} in {year}{prelim}{share_text}",
            subtitle=f"Top {len(top)} partners by {flow}, {year}{prelim}: exports and imports, USD billion",
            source=SOURCE_TRADE,
            alt=(
                f"Bar chart of Kazakhstan's top {len(top)} trading partners in {year}{prelim} by {flow}: "
                + "; ".join(
                    f"{r.partner} {r.exports_usd_m / 1000:.1f} billion exports and "
                    f"{r.imports_usd_m / 1000:.1f} billion imports"
                    for r in top.itertuples()
                )
            ),
            note=note,
        ),
        table="trade_by_partner",
        rows={"year": [year], "partner_iso3": list(top["partner_iso3"])},
    )


# --- 2. group shares ------------------------------------------------------------------------------


def _leaders(row: pd.Series, n: int) -> list[tuple[str, float]]:
    named = row.drop(labels=["Other"], errors="ignore").dropna().sort_values(ascending=False)
    return list(named.head(n).items())


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
    last = _last_known(wide)
    cumulative = 0.0
    for group in wide.columns:
        value = wide.loc[last, group]
        if pd.notna(value) and value >= 4:
            ax.text(last + 0.55, cumulative + value / 2, f"{value:.0f}%", va="center", fontsize=8)
        cumulative += 0 if pd.isna(value) else value
    ax.set_ylim(0, 100)
    ax.set_ylabel("% of partner sum")
    ax.grid(axis="x", visible=False)


def group_shares_figure(by_group: pd.DataFrame, first_year: int, last_year: int, gaps: dict[int, list[str]]) -> None:
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
    shown = _last_known(wides["exports"])
    prelim = preliminary_label(shown)
    (e_group, e_share), *_ = _leaders(wides["exports"].loc[shown], 1)
    (i1, s1), (i2, s2) = _leaders(wides["imports"].loc[shown], 2)
    publish(
        fig,
        "trade_group_shares",
        FigureText(
            title=(
                f"In {shown}{prelim}, exports went mostly to {group_name(e_group)} ({e_share:.0f}%), "
                f"while imports came mostly from {group_name(i1)} ({s1:.0f}%) and {group_name(i2)} ({s2:.0f}%)"
            ),
            subtitle=(
                f"Share of each partner group in Kazakhstan's exports (top) and imports (bottom), {years[0]}–{years[-1]}, "
                "% of the sum over all partners"
            ),
            source=SOURCE_TRADE,
            alt=(
                f"Two stacked bar charts of partner-group shares in Kazakhstan's exports and imports, "
                f"{years[0]}–{years[-1]}. In {shown}, exports: "
                + ", ".join(f"{g} {_pct(v)}" for g, v in wides["exports"].loc[shown].items())
                + "; imports: "
                + ", ".join(f"{g} {_pct(v)}" for g, v in wides["imports"].loc[shown].items())
                + "."
            ),
            note=(
                "EU-27 = today's 27 members in every year. Source break: WITS to 2019, BNS from 2020. "
                "Oil sold through trading hubs (Bermuda, Switzerland) is counted under 'Other' in the early 2000s."
            ),
        ),
        table="trade_by_group",
        rows={"year": list(range(first_year, last_year + 1))},
    )


# --- 3. levels and events -----------------------------------------------------------------------


def levels_events_figure(levels: pd.DataFrame, monthly: pd.DataFrame, events: pd.DataFrame) -> None:
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
    base = BASE_YEAR if BASE_YEAR in wide.index else first
    end = last_complete_year(wide.index)
    changes = sorted(
        ((g, change_pct(levels, g, "turnover_usd_m", base, end)) for g in MAIN_GROUPS if g in wide.columns),
        key=lambda item: -item[1],
    )
    prelim_years = sorted(set(range(first, last + 1)) & PRELIMINARY_YEARS)
    publish(
        fig,
        "trade_levels_events",
        FigureText(
            title=f"Between {base} and {end}, trade {_changes_sentence(changes)}",
            subtitle=(
                f"Kazakhstan's trade with Russia, China and the EU-27, {first}–{last}, USD billion (annual, "
                "drawn mid-year); total monthly exports and imports, USD billion; dashed lines: key events of "
                + ", ".join(str(y) for y in sorted(set(events["date"].dt.year)))
            ),
            source=f"{SOURCE_TRADE} {SOURCE_MONTHLY} Events: data/events.csv ("
            + ", ".join(sorted(set(events["source"])))
            + ").",
            alt=(
                f"Line chart of annual trade turnover with Russia, China and the EU-27 from {first} to {last}, "
                "with a panel of monthly total exports and imports and dashed lines at "
                + ", ".join(f"{r.label} ({r.date:%d %B %Y})" for r in events.itertuples())
                + ". Change "
                + f"{base}–{end}: "
                + ", ".join(f"{g} {_pct(c)}" for g, c in changes)
                + "."
            ),
            note=(
                f"Shaded: {', '.join(map(str, prelim_years))}, preliminary (some partners have no row yet)."
                if prelim_years
                else ""
            ),
        ),
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


def _unknown_shares_figure(year: int, missing: Sequence[str]) -> None:
    """The dependence chart's stand-in for a year without shares; its numbers are that year's empty rows."""
    who = " and ".join(missing) or "some partners"
    fig, ax = new_figure(height_in=2.6)
    ax.axis("off")
    ax.text(0.5, 0.5, f"No shares for {year}: the source has no values for {who}.", ha="center", va="center")
    publish(
        fig,
        "trade_dependence_asymmetry",
        FigureText(
            title=f"Shares of Kazakhstan's trade in {year} are unknown: the source has no {year} values for {who}",
            subtitle=f"Partner shares of exports and imports, {year}: not computed",
            source=SOURCE_TRADE,
            alt=f"No chart: shares for {year} cannot be computed because {who} have no values.",
        ),
        table="trade_dependence_points",
        rows={"year": [year]},
    )


def asymmetry_figure(points: pd.DataFrame, year: int, missing: Sequence[str] = ()) -> None:
    """Each main partner's share of Kazakhstan's exports (x) against its share of imports (y), log scales.

    In a year whose shares are unknown (a partner is missing) the figure says so
    instead of plotting, so that no chart of another year is left in its place.
    Its numbers are ``trade_dependence_points`` (:func:`kzmv.analysis.trade.dependence_table`
    of ``points``): one row per point drawn, or with empty shares where none can be.
    """
    if points[["exports_share", "imports_share"]].isna().any().any():
        _unknown_shares_figure(year, missing)
        return
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
    supplier = points.loc[points["gap_pp"].idxmax()]
    market = points.loc[points["gap_pp"].idxmin()]
    prelim = preliminary_label(year)
    publish(
        fig,
        "trade_dependence_asymmetry",
        FigureText(
            title=(
                f"{supplier.label} supplies {supplier.imports_share:.0f}% of Kazakhstan's imports but takes only "
                f"{supplier.exports_share:.0f}% of its exports; for {group_name(market.label)} it is the reverse "
                f"({market.exports_share:.0f}% of exports, {market.imports_share:.0f}% of imports), {year}{prelim}"
            ),
            subtitle=(
                f"Main partners' shares of Kazakhstan's exports and imports, {year}{prelim}, % of the sum over all "
                "partners, log scales; above the dashed line Kazakhstan depends on the partner more as a supplier"
            ),
            source=SOURCE_TRADE,
            alt=(
                f"Scatter plot of partners' shares of Kazakhstan's exports against imports in {year}: "
                + "; ".join(
                    f"{r.label} {r.exports_share:.1f}% of exports, {r.imports_share:.1f}% of imports"
                    for r in points.itertuples()
                )
                + "."
            ),
            note="Countries: the top partners ranked in figure 1; diamonds: EU-27 and Central Asia as wholes.",
        ),
        table="trade_dependence_points",
        rows={"year": [year]},
    )


# --- 5. concentration ----------------------------------------------------------------------------


def hub_title(conc: pd.DataFrame, start: int, end: int, flow: str = "exports") -> str:
    """The concentration finding, with how much of its change is oil booked to trading hubs (``HUBS``).

    The hubs' part of the HHI is their squared shares; its change over the
    change of the whole HHI is the share of the change that bookkeeping explains.
    """
    part = hub_part_of_change(conc, flow, start, end)
    names = list(HUBS.values())
    others = {1: "one other", 2: "two other", 3: "three other", 4: "four other"}.get(
        len(names) - 2, f"{len(names) - 2} other"
    )
    hubs = f"{names[0]}, the {names[1]} and {others} oil-trading hubs" if len(names) > 2 else " and ".join(names)
    direction = "more" if part["hhi_change"] > 0 else "less"
    moved = (
        f"{flow.capitalize()} became {direction} concentrated between {start} and {end} ({part['start']:.1f} to "
        f"{part['end']:.1f} equal-sized partners)"
    )
    share = part["hub_share"]
    if pd.isna(share) or share <= 0:
        return f"{moved}; none of that change is oil booked to {hubs}"
    how_much = "all" if share >= 1 else f"{100 * share:.0f}%"
    weight = "growing" if part["hub_change"] > 0 else "shrinking"
    return f"{moved}; {how_much} of that change is the {weight} weight of {hubs}"


def concentration_figure(conc: pd.DataFrame, first_year: int, last_year: int) -> None:
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
    known = window[(window["level"] == "partner")].pivot(index="year", columns="flow", values="effective_number")
    end = _last_known(known, complete=True)
    start = BASE_YEAR if first_year <= BASE_YEAR < end else int(known.dropna().index.min())
    exp_n = concentration_value(conc, end, "exports", "partner")
    imp_n = concentration_value(conc, end, "imports", "partner")
    publish(
        fig,
        "trade_concentration",
        FigureText(
            title=hub_title(conc, start, end),
            subtitle=(
                f"Effective number of partners and of partner groups (1 / Herfindahl-Hirschman index), "
                f"{first_year}–{last_year}, by flow"
            ),
            source=SOURCE_TRADE,
            alt=(
                f"Two line charts of the effective number of trading partners and partner groups, {first_year}–"
                f"{last_year}, for exports, imports and turnover, with a dashed line for exports without the oil "
                f"hubs' part. In {end}: exports {exp_n:.1f} partners, imports {imp_n:.1f} partners. "
                + hub_title(conc, start, end)
                + "."
            ),
            note=(
                "HHI = sum of squared shares of the partner sum; 1/HHI is the number of equal partners giving the "
                "same concentration. Oil booked to trading hubs counts as trade with the hub; the hubs' part is "
                f"their squared shares ({', '.join(HUBS.values())}, as the panel's provenance names them)."
            ),
        ),
        table="trade_concentration",
        rows={"year": list(range(first_year, last_year + 1))},
    )


# --- 6. mirror statistics -----------------------------------------------------------------------


def mirror_figure(mirror: pd.DataFrame) -> None:
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
    flow_year = int(both["year"].max())
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
    latest = turnover.dropna(subset=["china_usd_m"]).iloc[-1]
    latest_year = int(turnover.dropna(subset=["china_usd_m"]).index[-1])
    in_imports = (
        100
        * pair.loc["imports", "gap_usd_m"]
        / mirror[(mirror["year"] == flow_year) & (mirror["flow"] == "turnover")]["gap_usd_m"].iloc[0]
    )
    publish(
        fig,
        "trade_mirror_china",
        FigureText(
            title=(
                f"China records {latest['gap_pct']:.0f}% more trade with Kazakhstan than Kazakhstan does "
                f"({latest_year}); the gap lies in China's exports, which Kazakhstan's imports do not match"
            ),
            subtitle=(
                "Kazakhstan's goods trade with China as recorded by Kazakhstan and by China's customs, "
                f"{years.min()}–{years.max()}, USD billion"
            ),
            source=SOURCE_MIRROR,
            alt=(
                "Bar charts comparing Kazakhstan's and China's figures for their trade: "
                + "; ".join(
                    f"{y}: Kazakhstan {r.kazakhstan_usd_m / 1000:.1f} bn, China "
                    + ("not available" if pd.isna(r.china_usd_m) else f"{r.china_usd_m / 1000:.1f} bn")
                    for y, r in turnover.iterrows()
                )
                + f". In {flow_year}, {in_imports:.0f}% of the turnover gap is in China's exports to Kazakhstan."
            ),
            note=(
                f"In {flow_year}, {in_imports:.0f}% of the turnover gap is China's exports against Kazakh imports. "
                + (
                    f"{flow_year} China-side turnover = quoted exports + imports."
                    if (turnover.loc[flow_year, "china_basis"] != "quoted")
                    else ""
                )
            ),
        ),
        table="trade_by_partner",
        rows={"partner_iso3": ["CHN"], "year": sorted(mirror["year"].unique())},
    )
