"""FDI charts in the house style, and small chart helpers shared by the energy and macro charts.

Each figure function takes tidy data, computes the finding it states in its
title from that data, and publishes one figure (SVG and PNG) with
:func:`kzmv.figures.publish`. Partner groups always wear
:data:`kzmv.figures.GROUP_COLOURS`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from kzmv.analysis import fdi
from kzmv.data.partners import GROUPS
from kzmv.figures.style import (
    GROUP_COLOURS,
    INK,
    MUTED_INK,
    FigureText,
    new_figure,
    pct,
    publish,
    year_axis,
)

SOURCE_WIIW = "Source: wiiw FDI Database, based on the National Bank of Kazakhstan; kzmv analysis."
IMMEDIATE_NOTE = "Partners are immediate counterparts, not ultimate owners."


def method_note(footnote: str) -> str:
    """wiiw's methodological footnote (passed in from the data, never retyped), with the counterpart caveat."""
    return f"Net directional FDI; wiiw: '{footnote.strip().rstrip('.')}'. {IMMEDIATE_NOTE}"


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
    groups_table: pd.DataFrame, nl_share: pd.Series, first: int, last: int, footnote: str = ""
) -> None:
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
    eu = fdi.group_series(table, "EU-27", "inward stock", "share_of_world_pct")
    peak_year, peak_value = fdi.peak(eu)
    eu_last = eu.get(last, np.nan)
    trend = (
        f"down from a peak of {peak_value:.0f}% in {peak_year}"
        if peak_year != last
        else f"its highest share since {first}"
    )
    publish(
        fig,
        "fdi_stock_shares",
        FigureText(
            title=(
                f"The EU-27 held {pct(eu_last)} of Kazakhstan's inward FDI stock in {last}, {trend}; "
                f"the Netherlands alone held {pct(nl.get(last, np.nan))}"
            ),
            subtitle=f"Share of the inward FDI stock at the end of each year by partner group, {first}–{last}, %",
            source=SOURCE_WIIW,
            alt=(
                f"Line chart of partner groups' shares of Kazakhstan's inward FDI stock, {first}–{last}. "
                f"The EU-27 held {pct(eu_last)} in {last} (peak {peak_value:.0f}% in {peak_year}); "
                f"the Netherlands {pct(nl.get(last, np.nan))}; "
                + "; ".join(
                    f"{g} {pct(fdi.group_series(table, g, 'inward stock', 'share_of_world_pct').get(last, np.nan))}"
                    for g in ("USA", "Russia", "China", "UK")
                )
                + f" in {last}."
            ),
            note=(
                "Much Dutch FDI passes through holding companies (capital of other origins routed via the "
                "Netherlands). " + (method_note(footnote) if footnote else IMMEDIATE_NOTE)
            ),
        ),
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


def two_shares(shares: dict[str, float], first: str, second: str) -> str:
    """``"Russia held 3% and China 2%"``, or ``"Russia and China each held 4%"`` when they round alike.

    Each share stays beside its own partner's name, whichever is larger (a
    title that listed them by size under a fixed "Russia and China" swapped them
    in years where China's share was the smaller), "4% and 4%" is said once, and a
    missing share is called unknown.
    """
    a, b = (pct(shares[g]) if pd.notna(shares[g]) else "an unknown share" for g in (first, second))
    return f"{first} and {second} each held {a}" if a == b else f"{first} held {a} and {second} {b}"


def big_four_figure(groups_table: pd.DataFrame, first: int, last: int, footnote: str = "") -> None:
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
    shares = {g: fdi.group_series(table, g, "inward stock", "share_of_world_pct").get(last, np.nan) for g in BIG_FOUR}
    flows = {g: fdi.group_series(table, g, "net inflow") for g in BIG_FOUR}
    negative_china = int((flows["China"] < 0).sum())
    publish(
        fig,
        "fdi_big_four",
        FigureText(
            title=(
                f"In {last}, {two_shares(shares, 'Russia', 'China')} "
                f"of the inward FDI stock, against {pct(shares['EU-27'])} for the EU-27 "
                f"and {pct(shares['USA'])} for the USA"
            ),
            subtitle=f"Inward FDI stock and net inflow by partner, {first}–{last}, EUR billion",
            source=SOURCE_WIIW,
            alt=(
                f"Two line charts for {first}–{last}. Left: inward FDI stock in EUR billion from the EU-27, the USA, "
                f"Russia and China; in {last} the shares were "
                + ", ".join(f"{g} {pct(shares[g])}" for g in BIG_FOUR)
                + f". Right: net inflows, which were negative for China in {negative_china} of the years shown."
            ),
            note=method_note(footnote) if footnote else IMMEDIATE_NOTE,
        ),
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


def gross_net_figure(gross_net: pd.DataFrame, first: int, last: int) -> None:
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
    ratio_year, gross, net = _latest_usd_pair(table)
    title = (
        f"The National Bank's gross FDI inflow (USD {gross:.1f} bn in {ratio_year}) was {gross / net:.1f} times "
        f"the net inflow UNCTAD reports for the same year (USD {net:.1f} bn)"
        if ratio_year is not None
        else "Gross FDI inflows are far larger than net inflows"
    )
    publish(
        fig,
        "fdi_gross_vs_net",
        FigureText(
            title=title,
            subtitle=(
                f"FDI inflows into Kazakhstan, gross and net, {first}–{last}: USD billion (top), EUR billion (bottom), "
                "each as published"
            ),
            source=(
                "Sources: National Bank of Kazakhstan gross inflows and UNCTAD net inflows as quoted by officials and "
                "the press (transcribed); wiiw FDI Database, based on the National Bank of Kazakhstan; kzmv analysis."
            ),
            alt=(
                f"Bar charts of FDI inflows into Kazakhstan, {first}–{last}, for all partners and for Russia, "
                "dollar figures in the upper panels and euro figures in the lower ones. "
                + "; ".join(
                    f"{r.partner} {r.year} {r.concept} ({r.source.split(' (')[0]}) {r.value:.1f} {r.unit}"
                    + (" (derived)" if r.basis == "derived" else "")
                    for r in table.itertuples()
                )
                + "."
            ),
            note=(
                "Gross inflow counts money coming in; net inflow subtracts disinvestment and loan repayments, "
                "so it can be negative. Currencies are not converted; each panel has one."
            ),
        ),
        table="fdi_gross_vs_net",
    )


def _latest_usd_pair(table: pd.DataFrame) -> tuple[int | None, float, float]:
    """The latest year with a published gross and a published UNCTAD net figure, both in USD."""
    world = table[(table["partner"] == "All countries") & (table["unit"] == "USD billion")]
    world = world[world["basis"] == "published"]
    gross = world[world["concept"] == "gross inflow"].set_index("year")["value"]
    net = world[world["concept"] == "net inflow"].set_index("year")["value"]
    both = sorted(set(gross.index) & set(net.index))
    if not both:
        return None, np.nan, np.nan
    year = both[-1]
    return int(year), float(gross[year]), float(net[year])


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
    activity: pd.DataFrame, footnote: str = "", codes: tuple[str, ...] = ("B", "M", "C", "K", "H")
) -> None:
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
    b_last = shares["B"].get(last, np.nan)
    extractive = shares["B"] + shares["M"]
    before, after = extractive[extractive.index < stock_break], extractive[extractive.index >= stock_break]
    publish(
        fig,
        "fdi_by_activity",
        FigureText(
            title=(
                f"Mining held {pct(b_last)} of the inward FDI stock in {last}, after geological exploration was "
                f"moved into it in {stock_break}; with professional services it held "
                f"{min(before.min(), after.min()):.0f}–{max(before.max(), after.max()):.0f}% throughout"
            ),
            subtitle=(
                f"FDI by economic activity (NACE Rev. 2), {first}–{last}: share of the inward stock (%) and net "
                "inflow (EUR billion); lines are not joined across the reclassification"
            ),
            source=SOURCE_WIIW,
            alt=(
                f"Two line charts of FDI by sector, {first}–{last}, with the reclassification marked. Mining's share "
                f"of the stock jumps from {shares['B'].get(stock_break - 1, np.nan):.0f}% in {stock_break - 1} to "
                f"{shares['B'].get(stock_break, np.nan):.0f}% in {stock_break} while professional, scientific and "
                f"technical activities fall from {shares['M'].get(stock_break - 1, np.nan):.0f}% to "
                f"{shares['M'].get(stock_break, np.nan):.0f}%; mining held {pct(b_last)} in {last}. "
                "Do not compare sectors across the break."
            ),
            note=(f"wiiw: '{footnote.strip().rstrip('.')}'. " if footnote else "") + "The flows shift one year later.",
        ),
        table="fdi_by_activity",
        rows={"nace_code": list(codes)},
    )
    plt.close("all")
