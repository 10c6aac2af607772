"""FDI charts in the house style.

Each figure function takes tidy data and its words (written from the same data
by :mod:`kzmv.story.investment_chapter`), draws one figure and returns it as a
:class:`~kzmv.figures.style.Chart`. Partner groups always wear
:data:`kzmv.figures.style.GROUP_COLOURS`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from kzmv.analysis import fdi
from kzmv.data.partners import GROUPS
from kzmv.figures.style import GROUP_COLOURS, INK, MUTED_INK, Chart, FigureText, new_figure, year_axis


def mark_break(ax: Axes, first_new_year: int) -> None:
    """Shade the gap between the last old-classification year and the first new one.

    The break is named in the panel title rather than on the plot, where a
    label would sit on top of the lines.
    """
    ax.axvspan(first_new_year - 1 + 0.15, first_new_year - 0.15, color="#f2e6c9", zorder=0, lw=0)
    ax.axvline(first_new_year - 0.5, color=MUTED_INK, lw=1, ls="--", zorder=1)


def plot_segments(ax: Axes, values: pd.Series, break_year: int | None, **style) -> None:
    """A line that is not drawn across a classification break."""
    parts = [values] if break_year is None else [values[values.index < break_year], values[values.index >= break_year]]
    label = style.pop("label", None)
    for i, part in enumerate(parts):
        ax.plot(part.index, part.to_numpy(), label=label if i == 0 else None, **style)


def group_handles(groups: list[str]) -> list[Patch]:
    return [Patch(color=GROUP_COLOURS[g], label=g) for g in groups]


# ---------------------------------------------------------------------------
# FDI figures
# ---------------------------------------------------------------------------


def stock_shares_figure(
    groups_table: pd.DataFrame, nl_share: pd.Series, first: int, last: int, text: FigureText
) -> Chart:
    """Each partner group's share of the inward stock, with the Netherlands inside the EU-27."""
    table = fdi.in_window(groups_table, first, last)
    fig, ax = new_figure(height_in=5.6)
    for group in GROUPS:
        share = fdi.group_series(table, group, "inward stock", "share_of_world_pct")
        if share.dropna().empty:
            continue
        ax.plot(share.index, share.to_numpy(), color=GROUP_COLOURS[group], lw=2.4 if group == "EU-27" else 1.6)
        ax.text(last + 0.3, share.iloc[-1], group, color=GROUP_COLOURS[group], va="center", fontsize=8)
    nl = fdi.window_series(nl_share, first, last)
    ax.plot(nl.index, nl.to_numpy(), color=GROUP_COLOURS["EU-27"], lw=1.6, ls="--")
    ax.text(last + 0.3, nl.iloc[-1], "Netherlands\n(in EU-27)", color=GROUP_COLOURS["EU-27"], va="center", fontsize=8)
    _declutter_end_labels(ax)
    year_axis(ax, first, last)
    ax.set_xlim(first - 0.5, last + 3.2)
    ax.set_ylabel("% of inward FDI stock")
    ax.set_ylim(bottom=min(0, ax.get_ylim()[0]))
    return Chart(
        fig,
        "fdi_stock_shares",
        text,
        table="fdi_by_group",
        rows={"measure": ["inward stock"], "year": list(range(first, last + 1))},
    )


def _declutter_end_labels(ax: Axes, min_gap_frac: float = 0.035) -> None:
    """Nudge right-hand line labels apart so they do not overlap."""
    texts = sorted((t for t in ax.texts), key=lambda t: t.get_position()[1])
    low, high = ax.get_ylim()
    gap = (high - low) * min_gap_frac
    last_y = -np.inf
    for t in texts:
        x, y = t.get_position()
        if y < last_y + gap:
            y = last_y + gap
            t.set_position((x, y))
        last_y = y


BIG_FOUR = ("EU-27", "USA", "Russia", "China")


def big_four_figure(groups_table: pd.DataFrame, first: int, last: int, text: FigureText) -> Chart:
    """Stocks and net inflows from Russia, China, the USA and the EU-27, EUR billion."""
    table = fdi.in_window(groups_table, first, last)
    fig, (left, right) = new_figure(height_in=5.0, ncols=2)
    for group in BIG_FOUR:
        style = {"color": GROUP_COLOURS[group], "lw": 2, "label": group}
        stock = fdi.group_series(table, group, "inward stock") / 1000
        flow = fdi.group_series(table, group, "net inflow") / 1000
        left.plot(stock.index, stock.to_numpy(), **style)
        right.plot(flow.index, flow.to_numpy(), marker="o", ms=3, **style)
    right.axhline(0, color=INK, lw=0.8)
    left.set_title("Inward FDI stock, end of year", loc="left", fontsize=10)
    right.set_title("Net FDI inflow during the year", loc="left", fontsize=10)
    for ax in (left, right):
        year_axis(ax, first, last)
        ax.set_ylabel("EUR billion")
    left.legend(loc="upper left", fontsize=8)
    return Chart(
        fig,
        "fdi_big_four",
        text,
        table="fdi_by_group",
        rows={"group": ["Russia", "China", "USA", "EU-27"], "year": list(range(first, last + 1))},
    )


# Concepts, not partner groups: colours from Tol's "vibrant" scheme (see SECTOR_COLOURS).
GROSS_NET_STYLE = {
    ("gross inflow", "National Bank"): {"color": "#EE7733", "label": "Gross inflow, National Bank (USD bn)"},
    ("net inflow", "UNCTAD"): {"color": "#0077BB", "label": "Net inflow, UNCTAD (USD bn)"},
    ("net inflow", "wiiw"): {"color": "#33BBEE", "label": "Net inflow, wiiw/National Bank (EUR bn)"},
}


def _style_key(row: pd.Series) -> tuple[str, str]:
    for concept, who in GROSS_NET_STYLE:
        if row["concept"] == concept and who in row["source"]:
            return concept, who
    raise KeyError(row["source"])


def _bars_on_ticks(ax: Axes, rows: pd.DataFrame, keys: list[tuple[str, str]], width: float = 0.3) -> None:
    """Grouped bars, centred on their year: the series a year has share its tick, whatever the others have.

    A fixed slot per series leaves a lone bar off its tick when its neighbours
    are missing; here the bars present in a year are spread evenly around it.
    """
    for year, one_year in rows.groupby("year"):
        present = [k for k in keys if (one_year["style"] == k).any()]
        for i, key in enumerate(present):
            row = one_year[one_year["style"] == key].iloc[0]
            x = year + (i - (len(present) - 1) / 2) * width
            bar = ax.bar(x, row["value"], width=width, color=GROSS_NET_STYLE[key]["color"], edgecolor="white", lw=0.5)
            bar[0].set_hatch("///" if row["basis"] == "derived" else "")
            ax.text(x, max(row["value"], 0), f"{row['value']:.1f}", ha="center", va="bottom", fontsize=7)


def gross_net_figure(gross_net: pd.DataFrame, first: int, last: int, text: FigureText) -> Chart:
    """Gross and net inflows for all partners and for Russia: dollars on top, euro below, never on one axis.

    The National Bank's gross inflow and UNCTAD's net inflow are published in
    US dollars, wiiw's net inflow in euro; no exchange rate in the data would make
    a conversion exact, so each currency gets its own axis, and each year's bars
    sit centred on that year's tick.
    """
    table = gross_net[gross_net["year"].between(first, last)].copy()
    table["style"] = table.apply(_style_key, axis=1)
    fig, axes = new_figure(height_in=6.6, nrows=2, ncols=2, sharex=True, height_ratios=[2, 1])
    usd_keys = [k for k in GROSS_NET_STYLE if k[1] != "wiiw"]
    eur_keys = [k for k in GROSS_NET_STYLE if k[1] == "wiiw"]
    for col, partner in enumerate(("All countries", "Russia")):
        rows = table[table["partner"] == partner]
        for row_ax, keys, unit in ((axes[0, col], usd_keys, "USD billion"), (axes[1, col], eur_keys, "EUR billion")):
            part = rows[rows["style"].isin(keys)]
            _bars_on_ticks(row_ax, part, keys)
            for y in range(first, last + 1):
                if part[part["year"] == y].empty:
                    row_ax.text(
                        y,
                        0.03,
                        "none\nfound",
                        transform=row_ax.get_xaxis_transform(),
                        ha="center",
                        va="bottom",
                        fontsize=7,
                        color=MUTED_INK,
                    )
            row_ax.axhline(0, color=INK, lw=0.8)
            row_ax.set_ylabel(unit)
            row_ax.grid(axis="x", visible=False)
            top = part["value"].max() if not part.empty else 1.0
            row_ax.set_ylim(min(0, part["value"].min() if not part.empty else 0), top * 1.25)
        axes[0, col].set_title(partner if partner == "Russia" else "All partners", loc="left", fontsize=10)
        axes[1, col].set_xticks(range(first, last + 1), [str(y) for y in range(first, last + 1)])
        axes[1, col].set_xlim(first - 0.5, last + 0.5)
    handles = [Patch(color=GROSS_NET_STYLE[k]["color"], label=GROSS_NET_STYLE[k]["label"]) for k in usd_keys]
    handles.append(Patch(facecolor="white", edgecolor=MUTED_INK, hatch="///", label="derived from a stated change"))
    axes[0, 1].legend(handles=handles, loc="upper left", fontsize=7.5, framealpha=0.9)
    eur = [Patch(color=GROSS_NET_STYLE[k]["color"], label=GROSS_NET_STYLE[k]["label"]) for k in eur_keys]
    axes[1, 0].legend(handles=eur, loc="upper right", fontsize=7.5, framealpha=0.9)
    return Chart(fig, "fdi_gross_vs_net", text, table="fdi_gross_vs_net")


# Sectors and concepts are not partner groups, so they take Paul Tol's "vibrant"
# scheme, kept apart from the group colours to avoid reading a sector as a partner.
SECTOR_COLOURS = {
    "B": "#EE7733",
    "M": "#0077BB",
    "C": "#009988",
    "K": "#EE3377",
    "H": "#33BBEE",
    "Other": "#BBBBBB",
}
SECTOR_SHORT = {
    "B": "B Mining and quarrying",
    "M": "M Professional, scientific, technical",
    "C": "C Manufacturing",
    "K": "K Finance and insurance",
    "H": "H Transport and storage",
    "Other": "All other sections",
}


def activity_figure(
    activity: pd.DataFrame, text: FigureText, codes: tuple[str, ...] = ("B", "M", "C", "K", "H")
) -> Chart:
    """Sector shares of the stock and sector net inflows, each series broken at the reclassification."""
    names = {**fdi.activity_names(activity), **SECTOR_SHORT}
    fig, (left, right) = new_figure(height_in=5.6, ncols=2)
    stock_break = fdi.RECLASSIFICATION_FIRST_YEAR["inward stock"]
    flow_break = fdi.RECLASSIFICATION_FIRST_YEAR["net inflow"]
    shares = fdi.activity_shares(activity, "inward stock", codes)
    flows = activity[activity["measure"] == "net inflow"].pivot(index="year", columns="nace_code", values="value")
    for code in (*codes, "Other"):
        style = {"color": SECTOR_COLOURS[code], "lw": 2, "marker": "o", "ms": 3}
        plot_segments(left, shares[code], stock_break, label=names.get(code, code), **style)
        if code in flows:
            plot_segments(right, flows[code] / 1000, flow_break, **style)
    mark_break(left, stock_break)
    mark_break(right, flow_break)
    right.axhline(0, color=INK, lw=0.8)
    first, last = int(shares.index.min()), int(shares.index.max())
    for ax in (left, right):
        year_axis(ax, first, last)
    left.set_ylabel("% of inward FDI stock")
    right.set_ylabel("EUR billion")
    left.set_title(f"Inward stock, % of total (break: {stock_break - 1}|{stock_break})", loc="left", fontsize=10)
    right.set_title(f"Net inflow, EUR billion (break: {flow_break - 1}|{flow_break})", loc="left", fontsize=10)
    left.legend(loc="center right", fontsize=7.5, framealpha=0.9)
    return Chart(fig, "fdi_by_activity", text, table="fdi_by_activity", rows={"nace_code": list(codes)})
