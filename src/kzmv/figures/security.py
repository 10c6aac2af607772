"""Arms-transfer charts: Kazakhstan's suppliers over multi-year windows, and Russia's share for each peer.

Bars are in SIPRI trend-indicator values (TIV), summed over windows as SIPRI advises
for a lumpy series; suppliers wear their partner-group colours, and each bar carries
its Russian share as text, so no colour carries meaning alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from kzmv.data.partners import GROUPS
from kzmv.figures.style import GROUP_COLOURS, INK, MUTED_INK, FigureText, new_figure, publish

SOURCE_SIPRI = (
    "Source: Information from the SIPRI Arms Transfers Database (register of 12 February 2026); kzmv analysis."
)
TIV_NOTE = (
    "A TIV (trend-indicator value) measures the military capability transferred, priced at the production cost of "
    "comparable weapons (a used weapon at 40%): it is not what was paid and is not comparable with money."
)
RUSSIA = "Russia"


def arms_figure(windows_table: pd.DataFrame, focus: str, countries: Sequence[str], names: dict[str, str]) -> None:
    """Left: ``focus``'s arms imports by supplier group per window. Right: Russia's share per country, last window."""
    fig, (left, right) = new_figure(height_in=5.4, ncols=2, gridspec_kw={"width_ratios": [3, 2]})
    mine = windows_table[windows_table["recipient_iso3"] == focus]
    labels = list(dict.fromkeys(mine["window"]))
    x = np.arange(len(labels))
    bottom = np.zeros(len(labels))
    present = []
    for group in GROUPS:
        values = mine[mine["supplier_group"] == group].set_index("window").reindex(labels)["tiv_m"].fillna(0).to_numpy()
        if values.sum() == 0:
            continue
        present.append(group)
        left.bar(x, values, bottom=bottom, color=GROUP_COLOURS[group], width=0.7, edgecolor="white", linewidth=0.5)
        bottom += values
    russia = mine[mine["supplier_group"] == RUSSIA].set_index("window").reindex(labels)["share_pct"]
    for xi, total, share in zip(x, bottom, russia, strict=True):
        text = "no deliveries" if total == 0 else f"Russia {share:.0f}%"
        left.text(xi, total, text, ha="center", va="bottom", fontsize=8, color=INK)
    left.set_xticks(x, labels, fontsize=8.5)
    left.set_ylabel("million TIV delivered in the window")
    left.set_title(f"{names[focus]}: arms imports by supplier", fontsize=10, loc="left")
    left.legend(handles=[Patch(color=GROUP_COLOURS[g], label=g) for g in present][::-1], fontsize=8, loc="upper left")
    left.grid(axis="x", visible=False)
    last = labels[-1]
    latest = windows_table[(windows_table["window"] == last) & (windows_table["supplier_group"] == RUSSIA)]
    latest = latest.set_index("recipient_iso3").reindex(list(countries))
    y = np.arange(len(countries))[::-1]
    shares = latest["share_pct"].to_numpy()
    colours = [INK if c == focus else GROUP_COLOURS[RUSSIA] for c in countries]
    right.barh(y, np.nan_to_num(shares), color=colours, height=0.65)
    for yi, share in zip(y, shares, strict=True):
        text = "no deliveries" if np.isnan(share) else f"{share:.0f}%"
        right.text(0 if np.isnan(share) else share + 2, yi, text, va="center", fontsize=8, color=MUTED_INK)
    right.set_yticks(y, [names[c] for c in countries], fontsize=8.5)
    right.set_xlim(0, 118)
    right.set_xticks([0, 25, 50, 75, 100])
    right.set_xlabel("% of arms imports (TIV) from Russia")
    right.set_title(f"Russia's share, {last}", fontsize=10, loc="left")
    right.grid(axis="y", visible=False)
    publish(
        fig,
        "security_arms_suppliers",
        FigureText(**_arms_text(windows_table, mine, latest, focus, names, last)),
        table="arms_imports_by_window",
        rows={"recipient_iso3": list(countries)},
    )


def _arms_text(
    windows_table: pd.DataFrame, mine: pd.DataFrame, latest: pd.DataFrame, focus: str, names: dict[str, str], last: str
) -> dict[str, str]:
    share_last = float(mine.loc[(mine["window"] == last) & (mine["supplier_group"] == RUSSIA), "share_pct"].iloc[0])
    others = latest.drop(index=focus, errors="ignore")["share_pct"].dropna()
    higher = [names[c] for c, v in others.items() if v > share_last]
    first, final = mine["window"].iloc[0], last
    compared = f"only {', '.join(higher)} relied on Russia more" if higher else "no peer shown relied on Russia more"
    return {
        "title": f"Russia supplied {share_last:.0f}% of {names[focus]}'s major arms in {last}; {compared}",
        "subtitle": (
            f"Major conventional arms delivered, million TIV per window, {first} to {final}, and each country's "
            f"share from Russia in {last}"
        ),
        "source": SOURCE_SIPRI,
        "alt": (
            f"Stacked bars of {names[focus]}'s arms imports by supplier group for each window from {first} to "
            f"{final}, and horizontal bars of Russia's share for {len(latest)} countries in {last}: "
            + "; ".join(
                f"{names[c]} {'no deliveries' if pd.isna(v) else f'{v:.0f}%'}" for c, v in latest["share_pct"].items()
            )
            + "."
        ),
        "note": TIV_NOTE,
    }
