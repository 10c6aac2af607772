"""Trade in wartime: EU exports to Kazakhstan, its neighbours and Russia, and the peers' own imports.

Pure functions on DataFrames. The "gateway" question (did EU goods reach Russia through
Kazakhstan and its neighbours?) cannot be settled with these data, and the functions
are built so that no chart or sentence pretends otherwise:

* **Two ledgers.** Eurostat records what EU member states declare as exports to a
  country, in euro, valued free on board. Kazakhstan (and each peer) records what it
  imports, in US dollars, normally valued with cost, insurance and freight, and
  attributes partners its own way. Levels are therefore never compared across the two;
  each series is indexed to its own 2019-2021 average, and only growth is compared.
* **Absent is not zero.** A member state with no exports in a month has no row in the
  Eurostat file. The EU-27 total used here is Eurostat's own EU-27 row, which equals the
  sum of the member rows present (checked by :func:`eu27_identity_gap`).
* **The peers' files carry known errors.** Aggregate rows (World, CIS, "EU27" and
  others) are dropped and groups are summed from country rows, which also mends the
  "EU27" rows that include the UK (Kazakhstan 2019-2022, Kyrgyzstan 2019) or miss
  Slovakia (Uzbekistan). Armenia 2023 is a partial period and is marked unusable.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kzmv.analysis.trade import BASE_YEAR, EVENT_WINDOW_FIRST_YEAR
from kzmv.data.partners import iso3_from_names
from kzmv.errors import PipelineError

# The three years before the full-scale invasion (from the start of the trade chapter's event window to
# its base year): the base of every index here.
BASE_YEARS: tuple[int, int] = (EVENT_WINDOW_FIRST_YEAR, BASE_YEAR)
EU27_LABEL = "European Union - 27 countries"
# The partners of the Eurostat file, in the order the chapter shows them (Russia last, as the contrast).
EU_ORDER: tuple[str, ...] = ("KAZ", "KGZ", "UZB", "ARM", "GEO", "RUS")
# The reporters whose own imports from the EU can be set against Eurostat's exports to them (Armenia's
# latest year is partial, so it is left out of the growth comparison).
MIRROR_REPORTERS: tuple[str, ...] = ("KAZ", "KGZ", "UZB")
# Armenia's 2023 file covers part of the year only (about a tenth of 2022 for every partner).
UNUSABLE: frozenset[tuple[str, int]] = frozenset({("ARM", 2023)})

SERIES_COLUMNS = [
    "series",
    "reporter",
    "partner_iso3",
    "partner",
    "period",
    "frequency",
    "value_m",
    "currency",
    "valuation",
    "index_2019_2021",
]
EU_VALUATION = "exports declared by EU member states, FOB (Eurostat)"
KAZ_VALUATION = "Kazakhstan's recorded exports (WITS to 2019, BNS from 2020)"

# Partner labels of the peers' national files that pycountry does not match; None: not a country.
PEER_ALIASES: dict[str, str | None] = {
    "Bosnia Herzegovina": "BIH",
    "Bouvet": "BVT",
    "Brunei": "BRN",
    "Cocos Islands": "CCK",
    "Cote d' Ivoire": "CIV",
    "Côte d’Ivoire": "CIV",
    "Democratic Republic of the Congo": "COD",
    "Eastern SAMOA": "ASM",
    "European Union (EU)": None,
    "Korea (DPRK)": "PRK",
    "Korea, DPR of": "PRK",
    "Macau (Macau)": "MAC",
    "Macedonia": "MKD",
    "Monako": "MCO",
    "Netherlands Antilles": None,
    "Republic of Korea": "KOR",
    "Russia": "RUS",
    "SAR-Hong Kong": "HKG",
    "Saint Helena": "SHN",
    "Saint-Barth?lemy": "BLM",
    "Salvador": "SLV",
    "State of Palestine": "PSE",
    "Svalbard and Jan Mayen Islands": "SJM",
    "Swaziland": "SWZ",
    "The Republic of Korea": "KOR",
    "Turkey": "TUR",
    "United States Virgin Islands": "VIR",
    "Unknown country": None,
    "Vatican": "VAT",
    "Virgin Islands, United States": "VIR",
    "Wallis and Futuna Islands": "WLF",
    "Босния и Герцеговина": "BIH",
    "Северные Марианские острова": "MNP",
    "Словакия": "SVK",
}
# A country row that is not a country: Kyrgyzstan's small separate "European Union (EU)" row
# is trade attributed to the EU as a whole, so it counts in the EU-27 group.
PEER_GROUP_OVERRIDES: dict[str, str] = {"European Union (EU)": "EU-27"}

PEER_COLUMNS = ["reporter_iso3", "year", "partner_iso3", "partner", "group", "imports_usd_m", "usable"]


# --- EU exports ------------------------------------------------------------------------------------


def eu27_rows(eurostat: pd.DataFrame) -> pd.DataFrame:
    """Eurostat's EU-27 rows: ``partner_iso3, partner, month, value_eur``."""
    rows = eurostat[eurostat["reporter"].str.startswith(EU27_LABEL)]
    return rows[["partner_iso3", "partner", "month", "value_eur"]].reset_index(drop=True)


def eu27_identity_gap(eurostat: pd.DataFrame) -> float:
    """The largest absolute gap (EUR) between the EU-27 row and the sum of member rows present, over partner-months.

    Members are the reporters that are neither aggregates nor the United Kingdom; a
    member without a row contributes nothing, as the EU-27 row treats it.
    """
    members = eurostat[(eurostat["reporter_is_aggregate"] == "no") & (eurostat["reporter"] != "United Kingdom")]
    sums = members.groupby(["partner_iso3", "month"])["value_eur"].sum()
    eu = eu27_rows(eurostat).set_index(["partner_iso3", "month"])["value_eur"]
    both = pd.concat([sums.rename("members"), eu.rename("eu27")], axis=1)
    if both.isna().any().any():
        raise PipelineError("Eurostat exports: a partner-month has member rows but no EU-27 row, or the reverse")
    return float((both["members"] - both["eu27"]).abs().max())


def base_mean(values: pd.Series, years: pd.Series, base: tuple[int, int] = BASE_YEARS) -> float:
    """The mean of ``values`` over the base years (every period of them must be present)."""
    inside = values[years.between(*base)]
    if inside.isna().any() or inside.empty:
        raise PipelineError(f"cannot index to {base[0]}-{base[1]}: the base period is incomplete")
    return float(inside.mean())


def eu_exports_series(eurostat: pd.DataFrame, partners: Sequence[str], last_month: str | None = None) -> pd.DataFrame:
    """Monthly EU-27 exports to each partner, EUR million, indexed to the partner's 2019-2021 monthly average."""
    eu = eu27_rows(eurostat)
    frames = []
    for iso3 in partners:
        one = eu[eu["partner_iso3"] == iso3].sort_values("month")
        if last_month is not None:
            one = one[one["month"] <= last_month]
        if one.empty:
            raise PipelineError(f"Eurostat exports: no EU-27 row for partner {iso3}")
        value = one["value_eur"] / 1e6
        mean = base_mean(value, one["month"].str[:4].astype(int))
        frames.append(
            pd.DataFrame(
                {
                    "series": f"EU-27 exports to {_short(one['partner'].iloc[0])}",
                    "reporter": "EU-27",
                    "partner_iso3": iso3,
                    "partner": _short(one["partner"].iloc[0]),
                    "period": one["month"].to_numpy(),
                    "frequency": "month",
                    "value_m": value.round(6).to_numpy(),
                    "currency": "EUR",
                    "valuation": EU_VALUATION,
                    "index_2019_2021": (100 * value / mean).round(6).to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)[SERIES_COLUMNS]


def _short(label: str) -> str:
    """Eurostat's partner label without its bracket: "Russian Federation (Russia)" -> "Russia"."""
    if "(" in label and label.endswith(")"):
        return label[label.index("(") + 1 : -1]
    return label


def own_exports_series(trade_by_partner: pd.DataFrame, partner: str, first_year: int, last_year: int) -> pd.DataFrame:
    """Kazakhstan's own annual exports to ``partner``, USD million, indexed to its 2019-2021 average.

    Annual because Kazakhstan's partner data in the raw files are annual; a year without
    a value stays missing (and so does its index).
    """
    one = trade_by_partner[(trade_by_partner["partner_iso3"] == partner)].sort_values("year")
    one = one[one["year"].between(first_year, last_year)]
    mean = base_mean(one["exports_usd_m"], one["year"])
    return pd.DataFrame(
        {
            "series": f"Kazakhstan's exports to {one['partner'].iloc[0]}",
            "reporter": "Kazakhstan",
            "partner_iso3": partner,
            "partner": one["partner"].iloc[0],
            "period": one["year"].astype(str).to_numpy(),
            "frequency": "year",
            "value_m": one["exports_usd_m"].round(6).to_numpy(),
            "currency": "USD",
            "valuation": KAZ_VALUATION,
            "index_2019_2021": (100 * one["exports_usd_m"] / mean).round(6).to_numpy(),
        }
    )[SERIES_COLUMNS]


def combined(*frames: pd.DataFrame) -> pd.DataFrame:
    """Several series tables as one (the ``sanctions_era_trade`` table)."""
    return pd.concat(frames, ignore_index=True)[SERIES_COLUMNS]


def annual_sums(series: pd.DataFrame, iso3: str) -> pd.Series:
    """Calendar-year sums of a monthly series (complete years only: twelve months)."""
    one = series[(series["partner_iso3"] == iso3) & (series["frequency"] == "month")]
    years = one["period"].str[:4].astype(int)
    sums = one.groupby(years)["value_m"].sum()
    counts = one.groupby(years)["value_m"].count()
    return sums[counts == 12]


def ratio_to_base_year(series: pd.DataFrame, iso3: str, year: int, base_year: int) -> float:
    """Exports in ``year`` over exports in ``base_year``, same calendar months only.

    For a year the data cover in part (2024 to August), the base year is cut to the
    same months, so a part-year is never compared with a full one.
    """
    one = series[(series["partner_iso3"] == iso3) & (series["frequency"] == "month")]
    months = one.loc[one["period"].str[:4] == str(year), "period"].str[5:]
    if months.empty:
        return float("nan")
    now = one[one["period"].str[:4] == str(year)]["value_m"].sum()
    base = one[(one["period"].str[:4] == str(base_year)) & one["period"].str[5:].isin(months)]["value_m"].sum()
    return float(now / base)


def annual_index(series: pd.DataFrame, iso3: str, year: int, base: tuple[int, int] = BASE_YEARS) -> float:
    """Exports to ``iso3`` in ``year`` as an index of the same calendar months' mean over the ``base`` years (= 100).

    A full year is its sum over the base years' mean annual sum; a part year (2024 to
    August) is compared with the same months of the base years only, so that a part
    year is never set against whole ones and seasons do not move the index.
    """
    one = series[(series["partner_iso3"] == iso3) & (series["frequency"] == "month")]
    if one.empty:
        raise PipelineError(f"sanctions-era trade: no monthly series for partner {iso3}")
    years, months = one["period"].str[:4].astype(int), one["period"].str[5:]
    covered = set(months[years == year])
    if not covered:
        found = f"{years.min()}-{years.max()}"
        raise PipelineError(f"sanctions-era trade: no month of {year} for partner {iso3} (months cover {found})")
    in_base = years.between(*base) & months.isin(covered)
    if int(in_base.sum()) != len(covered) * (base[1] - base[0] + 1):
        raise PipelineError(f"sanctions-era trade: the base years {base[0]}-{base[1]} lack a month for {iso3}")
    now = float(one.loc[(years == year), "value_m"].sum())
    before = float(one.loc[in_base, "value_m"].sum()) / (base[1] - base[0] + 1)
    return 100 * now / before


def own_exports_index(series: pd.DataFrame, iso3: str, year: int) -> float:
    """Kazakhstan's own recorded exports to ``iso3`` in ``year``, as the table's index (2019-2021 = 100)."""
    one = series[(series["partner_iso3"] == iso3) & (series["frequency"] == "year") & (series["period"] == str(year))]
    if len(one) != 1 or pd.isna(one["index_2019_2021"].iloc[0]):
        raise PipelineError(f"sanctions-era trade: no yearly index of Kazakhstan's exports to {iso3} for {year}")
    return float(one["index_2019_2021"].iloc[0])


def months_covered(series: pd.DataFrame, iso3: str, year: int) -> list[str]:
    """The months (``MM``) of ``year`` a monthly series has for ``iso3``."""
    one = series[(series["partner_iso3"] == iso3) & (series["period"].str[:4] == str(year))]
    return sorted(one["period"].str[5:])


def last_period(series: pd.DataFrame) -> str:
    """The latest month of the monthly series."""
    return str(series.loc[series["frequency"] == "month", "period"].max())


# --- the peers' own imports ----------------------------------------------------------------------------


def tidy_peer_imports(national: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Imports by partner country of each reporter, USD million, with the partner group; aggregates dropped.

    Partner labels become ISO3 codes (pycountry and :data:`PEER_ALIASES`); a row that
    names no country keeps its label and counts in "Other" (or in the group of
    :data:`PEER_GROUP_OVERRIDES`). Two labels for one country in one table (e.g.
    "Republic of Korea" beside "The Republic of Korea") are summed. ``usable`` is false
    for the partial Armenia 2023 file.
    """
    rows = national[national["partner_is_aggregate"] == "no"].copy()
    rows["partner_iso3"] = iso3_from_names(rows["partner"], PEER_ALIASES)
    group_of = groups.set_index("iso3")["group"]
    names = groups.set_index("iso3")["name"]
    rows["group"] = rows["partner_iso3"].map(group_of)
    rows["group"] = rows["group"].fillna(rows["partner"].map(PEER_GROUP_OVERRIDES)).fillna("Other")
    coded = rows["partner_iso3"].notna()
    rows.loc[coded, "partner"] = rows.loc[coded, "partner_iso3"].map(names).fillna(rows.loc[coded, "partner"])
    rows["imports_usd_m"] = rows["value_usd_thousand_reconstructed"] / 1000
    keys = ["reporter_iso3", "year", "partner_iso3", "partner", "group"]
    out = rows.groupby(keys, dropna=False, as_index=False)["imports_usd_m"].sum()
    out["imports_usd_m"] = out["imports_usd_m"].round(6)
    out["year"] = out["year"].astype("int64")
    out["usable"] = [(r, int(y)) not in UNUSABLE for r, y in zip(out["reporter_iso3"], out["year"], strict=True)]
    out = out.sort_values(["reporter_iso3", "year", "partner"], kind="stable").reset_index(drop=True)
    return out[PEER_COLUMNS]


def peer_group_shares(peer: pd.DataFrame, reporter: str, year: int) -> pd.Series:
    """Each partner group's share (percent) of ``reporter``'s imports from all countries in ``year``.

    The denominator is the sum over country rows (the files' World rows are not used:
    two of the four tables have none). Empty if the year is missing or unusable.
    """
    one = peer[(peer["reporter_iso3"] == reporter) & (peer["year"] == year) & peer["usable"]]
    if one.empty:
        return pd.Series(dtype=float)
    sums = one.groupby("group")["imports_usd_m"].sum()
    return 100 * sums / sums.sum()


def latest_usable_year(peer: pd.DataFrame, reporter: str, last_year: int) -> int | None:
    """The latest usable year of ``reporter``'s imports up to ``last_year``, or None."""
    years = peer.loc[(peer["reporter_iso3"] == reporter) & peer["usable"] & (peer["year"] <= last_year), "year"]
    return int(years.max()) if not years.empty else None


def world_row_gap(national: pd.DataFrame, peer: pd.DataFrame, reporter: str) -> pd.Series:
    """Per year, the reporter's own World row minus the sum of its country rows (USD million); empty without a World row."""
    world = national[(national["reporter_iso3"] == reporter) & (national["partner"] == "World")]
    if world.empty:
        return pd.Series(dtype=float)
    world_m = world.set_index("year")["value_usd_thousand_reconstructed"] / 1000
    sums = peer[peer["reporter_iso3"] == reporter].groupby("year")["imports_usd_m"].sum()
    return (world_m - sums).round(3)


def imports_from_group(peer: pd.DataFrame, reporter: str, group: str) -> pd.Series:
    """``reporter``'s imports from a partner group by year (usable years only), USD million."""
    one = peer[(peer["reporter_iso3"] == reporter) & (peer["group"] == group) & peer["usable"]]
    return one.groupby("year")["imports_usd_m"].sum()


def mirror_growth(peer: pd.DataFrame, eu_series: pd.DataFrame, reporter: str, start: int, end: int) -> dict[str, float]:
    """Growth from ``start`` to ``end`` of two ledgers of one flow: the reporter's imports from the EU-27
    (its own statistics, USD) and the EU-27's exports to it (Eurostat, EUR). Each in its own currency,
    so only the ratios are comparable."""
    own = imports_from_group(peer, reporter, "EU-27")
    eu = annual_sums(eu_series, reporter)
    own_ratio = own.get(end, np.nan) / own.get(start, np.nan)
    eu_ratio = eu.get(end, np.nan) / eu.get(start, np.nan)
    return {
        "own_imports_start_usd_m": float(own.get(start, np.nan)),
        "own_imports_end_usd_m": float(own.get(end, np.nan)),
        "own_ratio": float(own_ratio),
        "eu_exports_start_eur_m": float(eu.get(start, np.nan)),
        "eu_exports_end_eur_m": float(eu.get(end, np.nan)),
        "eu_ratio": float(eu_ratio),
    }


def mirrors(
    peer: pd.DataFrame, eu_series: pd.DataFrame, reporters: Sequence[str], start: int, end: int
) -> dict[str, dict[str, float]]:
    """:func:`mirror_growth` for each of ``reporters``."""
    return {r: mirror_growth(peer, eu_series, r, start, end) for r in reporters}
