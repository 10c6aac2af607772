"""Energy charts in the house style: export routes, oil's share of export value, production.

Routes through Russia are drawn in the Russia group colour and the pipeline to
China in the China colour, because that is what they say about the "vectors";
commodities are not partner groups and take their own earthy palette.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from kzmv.analysis import energy
from kzmv.figures.style import GROUP_COLOURS, INK, MUTED_INK, FigureText, new_figure, pct, publish, year_axis

ROUTE_STYLE: dict[str, dict] = {
    energy.CPC: {"color": GROUP_COLOURS["Russia"], "label": "CPC pipeline (via Russia to Novorossiysk)"},
    "Atyrau–Samara": {"color": GROUP_COLOURS["Russia"], "alpha": 0.45, "label": "Atyrau–Samara (Russian network)"},
    "Atasu–Alashankou (China)": {"color": GROUP_COLOURS["China"], "label": "Atasu–Alashankou pipeline to China"},
    "Aktau port": {"color": "#777777", "label": "Aktau port (Caspian tankers)"},
    "Rail": {"color": "#BBBBBB", "label": "Rail"},
    "Not itemised": {"color": "white", "edgecolor": MUTED_INK, "hatch": "...", "label": "Not itemised by the sources"},
}
SOURCE_ROUTES = (
    "Source: Ministry of Energy of Kazakhstan, KazMunayGas, CPC and Reuters figures as quoted in the press "
    "(transcribed; one figure per route and year, the most precise and latest); kzmv analysis."
)


def _bar_label(year: int, period: str) -> str:
    return (
        str(year) if period == "full year" else f"{year}\n{period.replace('January', 'Jan').replace('October', 'Oct')}"
    )


def oil_routes_figure(oil_exports: pd.DataFrame, cpc: pd.DataFrame) -> None:
    """Stacked bars of crude exports by route (million tonnes), with CPC's share on top."""
    rest = energy.not_itemised(oil_exports).assign(route="Not itemised")
    routes = oil_exports[oil_exports["route_kind"] == "route"]
    stacked = pd.concat([routes[["year", "period", "route", "value"]], rest], ignore_index=True)
    bars = stacked[["year", "period"]].drop_duplicates().sort_values(["year", "period"]).reset_index(drop=True)
    fig, ax = new_figure(height_in=5.6)
    bottom = np.zeros(len(bars))
    for route, style in ROUTE_STYLE.items():
        part = stacked[stacked["route"] == route].merge(bars, on=["year", "period"], how="right")["value"].fillna(0)
        style = {"edgecolor": "white", "linewidth": 0.6, **style}
        ax.bar(range(len(bars)), part.to_numpy(), bottom=bottom, width=0.6, **style)
        bottom += part.to_numpy()
    for i, row in bars.iterrows():
        share = cpc[(cpc["year"] == row.year) & (cpc["period"] == row.period)]["cpc_share_pct"]
        if not share.empty:
            ax.text(i, bottom[i] + 1, f"CPC {share.iloc[0]:.0f}%", ha="center", va="bottom", fontsize=9, color=INK)
    ax.set_xticks(range(len(bars)), [_bar_label(r.year, r.period) for r in bars.itertuples()])
    ax.set_ylabel("million tonnes")
    ax.set_ylim(0, bottom.max() * 1.5)
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left", fontsize=8, ncol=2)
    full = cpc[cpc["period"] == "full year"].sort_values("year")
    partial = cpc[cpc["period"] != "full year"]
    first, last = full.iloc[0], full.iloc[-1]
    publish(
        fig,
        "energy_oil_routes",
        FigureText(
            title=(
                f"The CPC pipeline through Russia carried {last.cpc_share_pct:.0f}% of Kazakhstan's crude exports "
                f"in {last.year}, up from {first.cpc_share_pct:.0f}% in {first.year}"
            ),
            subtitle=(
                "Crude oil and condensate exports by route, million tonnes, for the years the transcribed figures "
                "cover" + "".join(f" ({r.year}: {r.period}, main pipelines only)" for r in partial.itertuples())
            ),
            source=SOURCE_ROUTES,
            alt=(
                "Stacked bar chart of Kazakhstan's crude exports by route. CPC share: "
                + "; ".join(
                    f"{r.year} ({r.period}) {r.cpc_mt:.1f} Mt, {r.cpc_share_pct:.0f}% of {r.denominator}"
                    for r in cpc.itertuples()
                )
                + ". Other routes are the Atyrau–Samara pipeline into Russia, the pipeline to China, Aktau port and rail."
            ),
            note=(
                f"{first.year}: the pages give no total, so shares are of the listed routes. "
                "'Not itemised': stated total less the routes the pages name."
            ),
        ),
    )


def oil_production_figure(production: pd.DataFrame, last: int) -> None:
    """Kazakhstan's oil production (TWh), with its post-Soviet low marked."""
    rows = production[production["year"] <= last].dropna(subset=["oil_twh"])
    fig, ax = new_figure(height_in=4.6)
    ax.plot(rows["year"], rows["oil_twh"], color=INK, lw=2)
    after_1991 = rows[rows["year"] >= 1991]
    low = after_1991.loc[after_1991["oil_twh"].idxmin()]
    end = rows.iloc[-1]
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
    ratio = end.oil_twh / low.oil_twh
    publish(
        fig,
        "energy_oil_production",
        FigureText(
            title=(
                f"Kazakhstan produced {ratio:.1f} times as much oil in {int(end.year)} as at its "
                f"post-Soviet low in {int(low.year)}"
            ),
            subtitle=f"Oil production, {int(rows['year'].min())}–{int(end.year)}, terawatt-hours of energy content",
            source=(
                "Source: Energy Institute, Statistical Review of World Energy (2025), with major processing by "
                "Our World in Data."
            ),
            alt=(
                f"Line chart of Kazakhstan's oil production from {int(rows['year'].min())} to {int(end.year)}: "
                f"a low of {low.oil_twh:,.0f} TWh in {int(low.year)}, {end.oil_twh:,.0f} TWh in {int(end.year)}."
            ),
            note="Production, not exports; energy content, not tonnes.",
        ),
    )


COMMODITY_STYLE: dict[str, dict] = {
    "CRUDE_OIL": {"color": "#5B3A1E", "label": "Crude oil and condensate (HS 2709)"},
    "PETROLEUM_PRODUCTS": {"color": "#A6611A", "label": "Petroleum products (HS 2710)"},
    "NATURAL_GAS": {"color": "#DFC27D", "label": "Natural gas (HS 271121)"},
    "LPG": {"color": "#F0E2B6", "label": "LPG (HS 271112–19)"},
}


def export_structure_figure(structure: pd.DataFrame, stated: pd.DataFrame) -> None:
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
    full = oil_gas.dropna()
    last_year = int(full.index.max())
    crude = energy.share_series(structure, "CRUDE_OIL")[last_year]
    publish(
        fig,
        "energy_export_structure",
        FigureText(
            title=(
                f"Crude oil earned {crude:.1f}% of Kazakhstan's export value in {last_year}, "
                f"and oil and gas together {oil_gas[last_year]:.1f}%"
            ),
            subtitle=f"Oil and gas in the value of goods exports, {years[0]}–{years[-1]}, % of total exports",
            source="Source: Bureau of National Statistics of Kazakhstan, exports by commodity (monthly); kzmv analysis.",
            alt=(
                "Stacked bar chart of oil and gas shares of Kazakhstan's export value by year: "
                + "; ".join(
                    f"{y} crude {pct(energy.share_series(structure, 'CRUDE_OIL').get(y), 1)}, oil and gas {pct(v, 1)}"
                    for y, v in oil_gas.items()
                )
                + ". Years with missing months are not shown."
            ),
            note=(
                "Annual shares only for years with all twelve months; "
                + ", ".join(f"{y} has {m} months" for y, m in missing.items())
                + ". Diamond: share published by the Bureau (as quoted)."
            ),
        ),
    )
