"""The gateway question with a comparison group: did EU exports to Kazakhstan and its neighbours grow more than
EU exports to places that have nothing to do with the war?

Pure functions on DataFrames. EU exports to Kazakhstan doubled after 2021 while those to
Russia halved; on their own, the two lines cannot tell a route to Russia from a boom that
every EU destination shared (prices rose, the euro fell). This module sets each treated
destination against a **comparison group** built from Eurostat's annual exports to every
destination since 2010, and measures three things:

* **Difference in differences on logs.** For a destination, the change in log EU exports
  from the pre-war years (2019-2021, the report's base) to the war years, less the same
  change averaged over the comparison group. A log difference of 0.69 is a doubling
  relative to the group. The group's change is the mean of its members' log changes, each
  destination counting once (a bloc reading, the log of their summed exports, is kept as an
  alternative column).
* **The pre-war trend, from 2010.** The yearly gap between a destination and the group is
  fitted by a straight line over 2010-2021; a gap that was already widening before the war
  would make the war-time jump less telling. The slope comes with a t interval (which
  assumes independent years, so it is too narrow) and with its rank among the comparison
  destinations' own slopes (which assumes nothing of the kind), and a trend-adjusted
  difference in differences takes the fitted trend out.
* **A placebo rank.** The same statistic is computed for every comparison destination in
  turn, against the rest of the group. Where a treated destination ranks among them says
  whether its jump is unusual; a test that any unsanctioned destination would pass is not a
  test of the gateway.

None of this can show re-exports: goods declared for Kazakhstan may stay there (firms that
moved from Russia, new demand, stockpiling) or go on elsewhere, and only goods-level data
(the EU's Common High Priority items at HS six digits, on both sides of each border) could
follow them.

Who is in the comparison group is a rule with a stated reason for each exclusion
(:func:`destinations`): outside the EU, bordering neither Russia nor Ukraine nor Belarus by
land, one territory throughout, exported to in every year, and large enough (at least EUR
100 million a year before the war) that a single shipment does not move its log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pycountry

from kzmv.analysis import stats
from kzmv.analysis.periods import BASE_YEAR, EVENT_WINDOW_FIRST_YEAR, SHOCK_YEAR
from kzmv.analysis.trade import recordable
from kzmv.errors import PipelineError

# Kazakhstan and the neighbours through which EU goods are said to reach Russia: Central Asia and the South
# Caucasus. Each is measured against the comparison group on its own.
TREATED: tuple[str, ...] = ("KAZ", "KGZ", "UZB", "TJK", "TKM", "ARM", "GEO", "AZE")
FOCUS = "KAZ"
# Russia itself: the contrast, measured like the others but never part of the group.
CONTRAST = "RUS"
# The war zone: Russia, Ukraine, and Belarus, from whose territory the invasion was also launched.
WAR_ZONE: tuple[str, ...] = ("RUS", "UKR", "BLR")
# Countries outside the EU (and outside the treated) with a land border with Russia, Ukraine or Belarus.
LAND_NEIGHBOURS_OF_WAR: tuple[str, ...] = ("NOR", "CHN", "MNG", "PRK", "MDA")
# One ISO code for two territories within the years compared: Sudan included South Sudan until 2012.
TERRITORY_CHANGED: tuple[str, ...] = ("SDN", "SSD")
# Destinations outside the war's neighbourhood that are often named as routes to Russia too: dropped from
# the group in an alternative specification, since a group that contains routes makes every route look usual.
NAMED_ROUTES: tuple[str, ...] = ("TUR", "ARE", "HKG", "SRB")
# The pre-war years every change is measured from (the report's base), and the first war year.
PRE_YEARS: tuple[int, int] = (EVENT_WINDOW_FIRST_YEAR, BASE_YEAR)
# A comparison destination must have taken at least this much a year (EUR million, pre-war mean).
MIN_BASE_EUR_M = 100.0

ROLE_TREATED, ROLE_CONTRAST, ROLE_COMPARISON, ROLE_LEFT_OUT = "treated", "contrast", "comparison", "left out"
REASONS: dict[str, str] = {
    "eu": "an EU member: trade inside the EU, not a destination outside it",
    "treated": "treated: Kazakhstan or a neighbour in Central Asia or the South Caucasus",
    "war": "Russia, Ukraine or Belarus: the war zone",
    "border": "borders Russia, Ukraine or Belarus by land",
    "territory": "its territory changed within the years compared",
    "no_code": "no ISO 3166-1 code (one label, not a country series)",
    "gaps": "not exported to in every year",
    "small": "too small before the war (under the minimum yearly exports): one shipment moves its log",
}

DESTINATION_COLUMNS = ["partner_iso3", "partner", "role", "reason", "years_present", "base_mean_eur_m"]
PANEL_COLUMNS = [
    "year",
    "partner_iso3",
    "partner",
    "role",
    "exports_eur_m",
    "log_exports",
    "gap_log",
    "gap_change_log",
    "comparison_p05",
    "comparison_median",
    "comparison_p95",
]
DID_COLUMNS = [
    "partner_iso3",
    "partner",
    "role",
    "did_log",
    "did_pct",
    "did_pooled_log",
    "did_trend_adjusted_log",
    "pre_trend_slope",
    "pre_trend_ci_low",
    "pre_trend_ci_high",
    "pre_trend_p",
    "rank",
    "rank_of",
    "placebo_p",
    "trend_adjusted_rank",
    "trend_adjusted_p",
    "pre_trend_rank",
    "pre_trend_placebo_p",
]


# --- the raw file, harmonised -----------------------------------------------------------------------------


def tidy_exports(raw: pd.DataFrame, labels: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """EU-27 exports by destination and year: ``year, partner_iso3, partner, kind, value_eur_m``.

    Each row's label (English, or French in 2016) is looked up in the label table
    (:func:`kzmv.data.partners.load_eurostat_partners`); a label the table lacks stops the
    run, so a new upstream label is never silently dropped. Aggregates and residual rows
    keep ``kind`` and have no code. ``partner`` is the report's name for the code
    (``names``, from ``data/groups.csv``), else pycountry's, else Eurostat's label without
    its bracket. A code that appears twice in one year is an error in the table.
    """
    merged = raw.merge(
        labels, left_on=["partner", "label_language"], right_on=["label", "language"], how="left", validate="m:1"
    )
    unknown = merged.loc[merged["kind"].isna(), ["partner", "label_language"]].drop_duplicates()
    if not unknown.empty:
        first = unknown.iloc[0]
        raise PipelineError(
            f"eu27_exports_annual_eurostat: {len(unknown)} partner label(s) not in data/eurostat_partners.csv, "
            f"e.g. {first['partner']!r} ({first['label_language']})"
        )
    out = pd.DataFrame(
        {
            "year": merged["year"].astype("int64"),
            "partner_iso3": merged["iso3"].replace("", pd.NA),
            "label": merged["partner"].astype(str),
            "language": merged["label_language"].astype(str),
            "kind": merged["kind"].astype(str),
            "value_eur_m": merged["value_eur"].astype(float) / 1e6,
        }
    )
    coded = out[out["partner_iso3"].notna()]
    twice = coded[coded.duplicated(["year", "partner_iso3"], keep=False)]
    if not twice.empty:
        row = twice.iloc[0]
        raise PipelineError(f"eu27_exports_annual_eurostat: {row['partner_iso3']} appears twice in {row['year']}")
    out["partner"] = [
        partner_name(code, label, names or {}) for code, label in zip(out["partner_iso3"], out["label"], strict=True)
    ]
    out = out.sort_values(["year", "partner"], kind="stable")
    return out[["year", "partner_iso3", "partner", "kind", "value_eur_m"]].reset_index(drop=True)


def partner_name(iso3: object, label: str, names: Mapping[str, str]) -> str:
    """A destination's name in the report: ``names`` first, then pycountry, then the label without its bracket."""
    if isinstance(iso3, str):
        if iso3 in names:
            return names[iso3]
        country = pycountry.countries.get(alpha_3=iso3)
        if country is not None:
            return str(getattr(country, "common_name", None) or country.name)
    return label.split(" (")[0]


# --- who is compared with whom --------------------------------------------------------------------------


def destinations(
    exports: pd.DataFrame,
    eu_members: Iterable[str],
    treated: Sequence[str] = TREATED,
    min_base_eur_m: float = MIN_BASE_EUR_M,
    pre: tuple[int, int] = PRE_YEARS,
) -> pd.DataFrame:
    """Every destination of the file with its role (treated, contrast, comparison, left out) and, if left out, why.

    The rules apply in the order of :data:`REASONS`; the first that fits is the reason
    given. Aggregates and residual rows are not destinations and are not listed; labels
    without an ISO code are listed without one.
    """
    years = sorted(exports["year"].unique())
    eu = set(eu_members)
    rows = []
    coded = exports[exports["kind"] == "destination"]
    for iso3, one in coded.groupby("partner_iso3", sort=True):
        positive = one[one["value_eur_m"] > 0]
        base = one.loc[one["year"].between(*pre), "value_eur_m"]
        base_mean = float(base.mean()) if len(base) == pre[1] - pre[0] + 1 else float("nan")
        role, reason = ROLE_COMPARISON, ""
        if iso3 in eu:
            role, reason = ROLE_LEFT_OUT, REASONS["eu"]
        elif iso3 in treated:
            role, reason = ROLE_TREATED, REASONS["treated"]
        elif iso3 in WAR_ZONE:
            role, reason = (ROLE_CONTRAST if iso3 == CONTRAST else ROLE_LEFT_OUT), REASONS["war"]
        elif iso3 in LAND_NEIGHBOURS_OF_WAR:
            role, reason = ROLE_LEFT_OUT, REASONS["border"]
        elif iso3 in TERRITORY_CHANGED:
            role, reason = ROLE_LEFT_OUT, REASONS["territory"]
        elif len(positive) < len(years):
            role, reason = ROLE_LEFT_OUT, REASONS["gaps"]
        elif not base_mean >= min_base_eur_m:
            role, reason = ROLE_LEFT_OUT, REASONS["small"]
        rows.append(
            {
                "partner_iso3": iso3,
                "partner": one["partner"].iloc[-1],
                "role": role,
                "reason": reason,
                "years_present": len(positive),
                "base_mean_eur_m": round(base_mean, 6),
            }
        )
    for label, one in exports[exports["kind"] == "no ISO code"].groupby("partner", sort=True):
        rows.append(
            {
                "partner_iso3": pd.NA,
                "partner": label,
                "role": ROLE_LEFT_OUT,
                "reason": REASONS["no_code"],
                "years_present": int((one["value_eur_m"] > 0).sum()),
                "base_mean_eur_m": float("nan"),
            }
        )
    out = pd.DataFrame(rows, columns=DESTINATION_COLUMNS)
    order = {ROLE_TREATED: 0, ROLE_CONTRAST: 1, ROLE_COMPARISON: 2, ROLE_LEFT_OUT: 3}
    treated_order = {c: i for i, c in enumerate(treated)}
    out = out.assign(
        _role=out["role"].map(order), _t=out["partner_iso3"].map(treated_order).fillna(len(treated_order))
    ).sort_values(["_role", "_t", "reason", "partner"], kind="stable")
    return out.drop(columns=["_role", "_t"]).reset_index(drop=True)


def left_out_summary(table: pd.DataFrame) -> pd.DataFrame:
    """How many destinations each exclusion rule left out, and which: ``reason, count, destinations``."""
    out = table[table["role"] == ROLE_LEFT_OUT]
    grouped = out.groupby("reason", sort=False)["partner"].agg(["count", lambda s: ", ".join(s)])
    grouped.columns = ["count", "destinations"]
    order = {v: i for i, v in enumerate(REASONS.values())}
    return grouped.reset_index().sort_values("reason", key=lambda s: s.map(order), kind="stable")


# --- the panel: gaps to the comparison group, year by year ---------------------------------------------------


def _wide(exports: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """Exports (EUR million) as a year x destination table for ``codes``; a zero is no trade, kept as missing."""
    rows = exports[exports["partner_iso3"].isin(list(codes))]
    wide = rows.pivot(index="year", columns="partner_iso3", values="value_eur_m").sort_index()
    return wide.where(wide > 0)


def _gap(
    levels: pd.DataFrame,
    logs: pd.DataFrame,
    iso3: str,
    comparison: Sequence[str],
    pre: tuple[int, int],
    pooled: bool = False,
) -> pd.DataFrame:
    """:func:`gap_series` on tables already pivoted (the placebo loop pivots once, not once per destination)."""
    if iso3 not in logs.columns:
        raise PipelineError(f"gateway: no EU exports to {iso3} in the file")
    members = [c for c in comparison if c != iso3]
    if not members:
        raise PipelineError("gateway: the comparison group is empty")
    group = np.log(levels[members].sum(axis=1)) if pooled else logs[members].mean(axis=1)
    gap = logs[iso3] - group
    base = gap.loc[pre[0] : pre[1]]
    if base.isna().any() or len(base) != pre[1] - pre[0] + 1:
        raise PipelineError(f"gateway: {iso3} lacks a pre-war year of {pre[0]}-{pre[1]}")
    return pd.DataFrame({"gap_log": gap, "gap_change_log": gap - base.mean()})


def gap_series(
    exports: pd.DataFrame, iso3: str, comparison: Sequence[str], pre: tuple[int, int] = PRE_YEARS, pooled: bool = False
) -> pd.DataFrame:
    """``iso3``'s log exports less the comparison group's, by year (``gap_log``), and that gap less its pre-war mean.

    A comparison member is measured against the rest of the group (leave one out): the
    group is the mean of the members' log exports, each destination counting once, or
    with ``pooled`` the log of their summed exports (the bloc reading).
    """
    levels = _wide(exports, list(dict.fromkeys([iso3, *comparison])))
    return _gap(levels, np.log(levels), iso3, comparison, pre, pooled)


def panel(exports: pd.DataFrame, table: pd.DataFrame, pre: tuple[int, int] = PRE_YEARS) -> pd.DataFrame:
    """The destination-year table the figure draws: exports, log exports, the gap to the group and its change.

    Rows for every treated, contrast and comparison destination; the three band columns
    are the 5th percentile, median and 95th percentile of the comparison destinations'
    ``gap_change_log`` in that year (each measured against the rest of the group).
    """
    comparison = list(table.loc[table["role"] == ROLE_COMPARISON, "partner_iso3"])
    shown = table[table["role"].isin([ROLE_TREATED, ROLE_CONTRAST, ROLE_COMPARISON])]
    levels = _wide(exports, list(shown["partner_iso3"]))
    logs = np.log(levels)
    frames = []
    for row in shown.itertuples():
        gaps = _gap(levels, logs, row.partner_iso3, comparison, pre)
        one = exports[exports["partner_iso3"] == row.partner_iso3].set_index("year").sort_index()
        frames.append(
            pd.DataFrame(
                {
                    "year": one.index.astype("int64"),
                    "partner_iso3": row.partner_iso3,
                    "partner": row.partner,
                    "role": row.role,
                    "exports_eur_m": one["value_eur_m"].round(6).to_numpy(),
                    "log_exports": np.log(one["value_eur_m"].where(one["value_eur_m"] > 0)).round(6).to_numpy(),
                    "gap_log": gaps["gap_log"].reindex(one.index).round(6).to_numpy(),
                    "gap_change_log": gaps["gap_change_log"].reindex(one.index).round(6).to_numpy(),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    band = out[out["role"] == ROLE_COMPARISON].groupby("year")["gap_change_log"]
    quantiles = pd.DataFrame(
        {
            "comparison_p05": band.quantile(0.05),
            "comparison_median": band.median(),
            "comparison_p95": band.quantile(0.95),
        }
    ).round(6)
    out = out.join(quantiles, on="year")
    return out[PANEL_COLUMNS]


# --- difference in differences, pre-trend, placebo ------------------------------------------------------------


def post_years(exports: pd.DataFrame) -> tuple[int, int]:
    """The war years the file covers: from the shock year to its last year."""
    last = int(exports["year"].max())
    if last < SHOCK_YEAR:
        raise PipelineError(f"gateway: the EU file ends in {last}, before the war")
    return SHOCK_YEAR, last


@dataclass(frozen=True)
class Did:
    """One destination's difference in differences, its pre-war trend and the trend-adjusted change (log points)."""

    did_log: float
    did_pooled_log: float
    did_trend_adjusted_log: float
    trend: stats.SlopeTest


def did(
    exports: pd.DataFrame,
    iso3: str,
    comparison: Sequence[str],
    pre: tuple[int, int] = PRE_YEARS,
    post: tuple[int, int] | None = None,
    trend_first: int | None = None,
) -> Did:
    """The difference in differences of ``iso3`` against ``comparison`` (mean gap after less mean gap before).

    The pre-war trend is the least-squares slope of the gap over ``trend_first`` (by
    default the file's first year) to the last pre-war year; the trend-adjusted change
    takes out that slope times the distance between the middles of the two periods.
    """
    levels = _wide(exports, list(dict.fromkeys([iso3, *comparison])))
    return _did(levels, np.log(levels), iso3, comparison, pre, post or post_years(exports), trend_first)


def _did(
    levels: pd.DataFrame,
    logs: pd.DataFrame,
    iso3: str,
    comparison: Sequence[str],
    pre: tuple[int, int],
    post: tuple[int, int],
    trend_first: int | None = None,
) -> Did:
    """:func:`did` on tables already pivoted."""
    first = int(levels.index.min()) if trend_first is None else trend_first
    gaps = _gap(levels, logs, iso3, comparison, pre)["gap_log"]
    pooled = _gap(levels, logs, iso3, comparison, pre, pooled=True)["gap_log"]

    def change(series: pd.Series) -> float:
        after = series.loc[post[0] : post[1]]
        if after.isna().any() or len(after) != post[1] - post[0] + 1:
            raise PipelineError(f"gateway: {iso3} lacks a war year of {post[0]}-{post[1]}")
        return float(after.mean() - series.loc[pre[0] : pre[1]].mean())

    before = gaps.loc[first : pre[1]]
    trend = stats.slope_test(before.index.astype(float), before.to_numpy())
    middle_gap = (post[0] + post[1]) / 2 - (pre[0] + pre[1]) / 2
    main = change(gaps)
    return Did(main, change(pooled), main - trend.slope * middle_gap, trend)


def _rank(value: float, others: Iterable[float], absolute: bool = False) -> tuple[int, int]:
    """``value``'s rank from the top among ``others`` and itself (1 = largest), and how many were ranked."""
    rest = [abs(o) if absolute else o for o in others if not np.isnan(o)]
    own = abs(value) if absolute else value
    return 1 + sum(1 for o in rest if o >= own), len(rest) + 1


def did_table(
    exports: pd.DataFrame,
    table: pd.DataFrame,
    pre: tuple[int, int] = PRE_YEARS,
    post: tuple[int, int] | None = None,
    exclude: Sequence[str] = (),
) -> pd.DataFrame:
    """:func:`did` for every treated, contrast and comparison destination, with each one's rank among the placebos.

    A comparison destination's statistic is computed against the rest of the group (its
    placebo); a treated destination's rank is its place among all the placebos (1 = the
    largest), and ``placebo_p`` is that rank over the number ranked: the share of
    comparison destinations whose change was at least as large. ``exclude`` drops
    destinations from the group (an alternative specification, e.g. :data:`NAMED_ROUTES`).
    """
    comparison = [c for c in table.loc[table["role"] == ROLE_COMPARISON, "partner_iso3"] if c not in set(exclude)]
    shown = table[table["role"].isin([ROLE_TREATED, ROLE_CONTRAST]) | table["partner_iso3"].isin(comparison)]
    post = post or post_years(exports)
    levels = _wide(exports, list(shown["partner_iso3"]))
    logs = np.log(levels)
    results = {r.partner_iso3: _did(levels, logs, r.partner_iso3, comparison, pre, post) for r in shown.itertuples()}
    placebo = {c: results[c] for c in comparison}
    rows = []
    for r in shown.itertuples():
        res = results[r.partner_iso3]
        others = [v for c, v in placebo.items() if c != r.partner_iso3]
        rank, of = _rank(res.did_log, [o.did_log for o in others])
        t_rank, _ = _rank(res.did_trend_adjusted_log, [o.did_trend_adjusted_log for o in others])
        s_rank, _ = _rank(res.trend.slope, [o.trend.slope for o in others], absolute=True)
        rows.append(
            {
                "partner_iso3": r.partner_iso3,
                "partner": r.partner,
                "role": r.role,
                "did_log": res.did_log,
                "did_pct": 100 * (np.exp(res.did_log) - 1),
                "did_pooled_log": res.did_pooled_log,
                "did_trend_adjusted_log": res.did_trend_adjusted_log,
                "pre_trend_slope": res.trend.slope,
                "pre_trend_ci_low": res.trend.ci_low,
                "pre_trend_ci_high": res.trend.ci_high,
                "pre_trend_p": res.trend.p,
                "rank": rank,
                "rank_of": of,
                "placebo_p": rank / of,
                "trend_adjusted_rank": t_rank,
                "trend_adjusted_p": t_rank / of,
                "pre_trend_rank": s_rank,
                "pre_trend_placebo_p": s_rank / of,
            }
        )
    out = pd.DataFrame(rows, columns=DID_COLUMNS)
    counts = ("rank", "rank_of", "trend_adjusted_rank", "pre_trend_rank")
    floats = [c for c in DID_COLUMNS if c not in ("partner_iso3", "partner", "role", *counts)]
    out[floats] = out[floats].astype(float).round(6)
    return out


def did_from_panel(
    gateway_panel: pd.DataFrame,
    iso3: str,
    pre: tuple[int, int] = PRE_YEARS,
    post: tuple[int, int] | None = None,
    exclude: Sequence[str] = (),
    pooled: bool = False,
) -> float:
    """The difference in differences (log points) of ``iso3`` recomputed from the published panel, any specification.

    For the claims' measures and their alternative specifications: another pre-war
    window, the last war year alone, a group without :data:`NAMED_ROUTES`, or the bloc
    reading (``pooled``). Reads only ``year, partner_iso3, role, exports_eur_m``.
    """
    exports = gateway_panel.rename(columns={"exports_eur_m": "value_eur_m"})
    comparison = [
        c
        for c in gateway_panel.loc[gateway_panel["role"] == ROLE_COMPARISON, "partner_iso3"].unique()
        if c not in set(exclude)
    ]
    post = post or post_years(exports)
    gaps = gap_series(exports, iso3, comparison, pre, pooled=pooled)["gap_log"]
    return float(gaps.loc[post[0] : post[1]].mean() - gaps.loc[pre[0] : pre[1]].mean())


def placebo_p_from_table(did: pd.DataFrame, iso3: str, column: str = "did_log") -> float:
    """Share of comparison destinations whose ``column`` is at least ``iso3``'s (its rank over the number ranked)."""
    own = did.loc[did["partner_iso3"] == iso3, column]
    if own.empty:
        raise PipelineError(f"gateway_did: no row for {iso3}")
    others = did.loc[(did["role"] == ROLE_COMPARISON) & (did["partner_iso3"] != iso3), column]
    rank, of = _rank(float(own.iloc[0]), others.astype(float))
    return rank / of


# --- what the section's numbers come to, for the executed notebook's record ---------------------------------


@dataclass(frozen=True)
class GatewaySummary:
    """The comparison group's size, and each treated destination's change, pre-trend and placebo rank."""

    gateway_group: dict[str, Any]  # {"comparison": n, "left_out": n, "pre": "2019-2021", "post": "2022-2023"}
    gateway_did_log: dict[str, Any]  # {iso3: log points}
    gateway_rank: dict[str, Any]  # {iso3: "rank/of"}
    gateway_pre_trend: dict[str, Any]  # {iso3: [slope, ci_low, ci_high]}


def summary(table: pd.DataFrame, did: pd.DataFrame, pre: tuple[int, int], post: tuple[int, int]) -> GatewaySummary:
    """:class:`GatewaySummary` of a :func:`destinations` table and a :func:`did_table`."""
    shown = did[did["role"].isin([ROLE_TREATED, ROLE_CONTRAST])].set_index("partner_iso3")
    return GatewaySummary(
        {
            "comparison": int((table["role"] == ROLE_COMPARISON).sum()),
            "left_out": int((table["role"] == ROLE_LEFT_OUT).sum()),
            "pre": f"{pre[0]}-{pre[1]}",
            "post": f"{post[0]}-{post[1]}",
        },
        recordable(shown["did_log"].to_dict()),
        {k: f"{int(r['rank'])}/{int(r['rank_of'])}" for k, r in shown.iterrows()},
        {
            k: recordable([r["pre_trend_slope"], r["pre_trend_ci_low"], r["pre_trend_ci_high"]])
            for k, r in shown.iterrows()
        },
    )
