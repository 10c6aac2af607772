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
from kzmv.figures.style import GROUP_COLOURS, INK, MUTED_INK, Chart, FigureText, new_figure

RUSSIA = "Russia"


def arms_figure(
    windows_table: pd.DataFrame, focus: str, countries: Sequence[str], names: dict[str, str], text: FigureText
) -> Chart:
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
        label = "no deliveries" if total == 0 else f"Russia {share:.0f}%"
        left.text(xi, total, label, ha="center", va="bottom", fontsize=8, color=INK)
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
        label = "no deliveries" if np.isnan(share) else f"{share:.0f}%"
        right.text(0 if np.isnan(share) else share + 2, yi, label, va="center", fontsize=8, color=MUTED_INK)
    right.set_yticks(y, [names[c] for c in countries], fontsize=8.5)
    right.set_xlim(0, 118)
    right.set_xticks([0, 25, 50, 75, 100])
    right.set_xlabel("% of arms imports (TIV) from Russia")
    right.set_title(f"Russia's share, {last}", fontsize=10, loc="left")
    right.grid(axis="y", visible=False)
    return Chart(
        fig, "security_arms_suppliers", text, table="arms_imports_by_window", rows={"recipient_iso3": list(countries)}
    )
