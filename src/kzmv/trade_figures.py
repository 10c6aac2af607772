"""Trade charts in the house style. Each takes tidy data and publishes one figure."""

from __future__ import annotations

import pandas as pd
from matplotlib.patches import Patch

from .figures import GROUP_COLOURS, FigureText, new_figure, publish
from .partners import group_order
from .trade import preliminary_label

SOURCE_TRADE = (
    "Source: Bureau of National Statistics of Kazakhstan (2020 on); WITS/UN Comtrade, Kazakhstan as reporter "
    "(to 2019); kzmv analysis."
)


def top_partners_figure(top: pd.DataFrame, year: int, flow: str) -> None:
    """Horizontal bars: exports (solid) and imports (hatched) per partner, coloured by group."""
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
    publish(
        fig,
        "trade_top_partners",
        FigureText(
            title=(
                f"{leader.partner} was Kazakhstan's largest trading partner by {flow} in {year}{prelim}, "
                f"with {leader[f'{flow}_share_pct']:.0f}% of the total"
            ),
            subtitle=f"Top {len(top)} partners by {flow}, {year}{prelim}: exports and imports, USD billion",
            source=SOURCE_TRADE,
            alt=(
                f"Bar chart of Kazakhstan's top {len(top)} trading partners in {year} by {flow}: "
                + "; ".join(
                    f"{r.partner} {r.exports_usd_m / 1000:.1f} billion exports and "
                    f"{r.imports_usd_m / 1000:.1f} billion imports"
                    for r in top.itertuples()
                )
            ),
            note="Shares are of the sum over all partners.",
        ),
    )
