"""The scorecard of vectors: for each vector the data cover, which partner leads and by how much.

"Multi-vector" is a claim about balance. The scorecard tests it vector by vector
(exports, imports, investment, arms, UN votes) for Kazakhstan and, where the data
allow, for each peer: the leading partner group, its lead over the runner-up, and
Russia's own value beside them. The partners are the report's groups (Russia, China,
the EU-27, Central Asia, Turkey, the USA, the UK) and, one by one, the countries outside
them: "Other" is many partners, not one, so it is split into its countries rather than
compared as a bloc (India, for instance, can lead Armenia's arms imports).

Where the data do not reach a country or a vector, the row is still there, with no
leader and a note saying why: missing is shown as missing, not left out.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kzmv.analysis import politics, sanctions_trade, security

VECTORS: tuple[str, ...] = ("exports", "imports", "investment", "arms", "UN votes")
SHARE_UNIT = "percent of the total"
DISTANCE_UNIT = "ideal-point distance"
LEAD_PP = "percentage points"
OTHER = "Other"
# A vector is "dominated" when one partner group holds more than this share of it (percent).
DOMINANT_SHARE = 50.0
RUSSIA = "Russia"

SCORE_COLUMNS = [
    "country_iso3",
    "country",
    "vector",
    "period",
    "measure",
    "unit",
    "leader",
    "leader_value",
    "runner_up",
    "runner_up_value",
    "lead",
    "lead_unit",
    "lead_ratio",
    "russia_value",
    "russia_rank",
    "note",
]


def _row(country_iso3: str, country: str, vector: str, **values: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(SCORE_COLUMNS, np.nan)
    row.update(country_iso3=country_iso3, country=country, vector=vector, note="")
    row.update(values)
    return row


def partner_shares(values: pd.Series, groups: pd.Series, names: pd.Series, total: float | None = None) -> pd.Series:
    """Percent of ``total`` (default: the sum of ``values``) per partner: named groups summed, "Other" split by country.

    The three Series are aligned row by row (one row per partner country). The result is
    sorted largest first, ties by name, so that the leader never depends on row order.
    """
    key = groups.where(groups != OTHER, names)
    sums = values.groupby(key).sum(min_count=1)
    denominator = float(values.sum()) if total is None else float(total)
    shares = 100 * sums / denominator
    order = sorted(shares.index, key=lambda k: (-shares[k] if pd.notna(shares[k]) else np.inf, k))
    return shares.reindex(order)


def share_lead(
    country_iso3: str, country: str, vector: str, shares: pd.Series, period: str, measure: str, note: str = ""
) -> dict[str, object]:
    """The leading group by share, its lead over the runner-up (points, and times), and Russia's share and rank.

    ``shares`` maps partner groups to percent of the total; a group with a share of 0
    is in the data with nothing (SIPRI lists every delivery, so a supplier without one
    delivered nothing) and is not ranked. Without a runner-up the lead is the leader's
    whole share. Ties are broken by the order of ``shares``, never by chance.
    """
    named = shares.drop(labels=[OTHER], errors="ignore").dropna()
    ranked = named[named > 0].sort_values(ascending=False, kind="stable")
    if ranked.empty:
        return missing(country_iso3, country, vector, note or "no partner data")
    leader = ranked.index[0]
    has_runner = len(ranked) > 1
    runner_value = float(ranked.iloc[1]) if has_runner else 0.0
    extra = []
    if not has_runner:
        extra.append("no other partner group")
    russia = named.get(RUSSIA, np.nan)
    return _row(
        country_iso3,
        country,
        vector,
        period=period,
        measure=measure,
        unit=SHARE_UNIT,
        leader=leader,
        leader_value=round(float(ranked.iloc[0]), 6),
        runner_up=ranked.index[1] if has_runner else np.nan,
        runner_up_value=round(runner_value, 6),
        lead=round(float(ranked.iloc[0]) - runner_value, 6),
        lead_unit=LEAD_PP,
        lead_ratio=round(float(ranked.iloc[0]) / runner_value, 6) if runner_value > 0 else np.nan,
        russia_value=round(float(russia), 6) if pd.notna(russia) else np.nan,
        russia_rank=int(list(ranked.index).index(RUSSIA) + 1) if RUSSIA in ranked.index else np.nan,
        note="; ".join(t for t in (note, *extra) if t),
    )


def distance_lead(
    country_iso3: str, country: str, distances: pd.Series, period: str, measure: str, note: str = ""
) -> dict[str, object]:
    """The partner closest in UN voting, how much closer than the next (distance, and times), and Russia's distance.

    ``distances`` maps partner groups to ideal-point distances (smaller is closer).
    """
    known = distances.dropna()
    if known.empty:
        return missing(country_iso3, country, "UN votes", note or "no ideal point")
    ranked = known.sort_values(kind="stable")
    leader, runner = ranked.index[0], ranked.index[1] if len(ranked) > 1 else None
    return _row(
        country_iso3,
        country,
        "UN votes",
        period=period,
        measure=measure,
        unit=DISTANCE_UNIT,
        leader=leader,
        leader_value=round(float(ranked.iloc[0]), 6),
        runner_up=runner if runner is not None else np.nan,
        runner_up_value=round(float(ranked.iloc[1]), 6) if runner is not None else np.nan,
        lead=round(float(ranked.iloc[1] - ranked.iloc[0]), 6) if runner is not None else np.nan,
        lead_unit=DISTANCE_UNIT,
        lead_ratio=round(float(ranked.iloc[1] / ranked.iloc[0]), 6)
        if runner is not None and ranked.iloc[0] > 0
        else np.nan,
        russia_value=round(float(known[RUSSIA]), 6) if RUSSIA in known else np.nan,
        russia_rank=int(list(ranked.index).index(RUSSIA) + 1) if RUSSIA in ranked.index else np.nan,
        note=note,
    )


def missing(country_iso3: str, country: str, vector: str, note: str) -> dict[str, object]:
    """A scorecard row with no leader: the data do not reach this country and vector (``note`` says why)."""
    return _row(country_iso3, country, vector, note=note)


def scorecard(rows: list[dict[str, object]], countries: list[str]) -> pd.DataFrame:
    """The rows as one table, countries in the order given and vectors in :data:`VECTORS` order."""
    table = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    order_c = {c: i for i, c in enumerate(countries)}
    order_v = {v: i for i, v in enumerate(VECTORS)}
    table = table.sort_values(
        ["country_iso3", "vector"],
        key=lambda s: s.map(order_c) if s.name == "country_iso3" else s.map(order_v),
        kind="stable",
    )
    table["russia_rank"] = table["russia_rank"].astype("Int64")
    return table.reset_index(drop=True)


def leaders(table: pd.DataFrame, iso3: str) -> Mapping[str, object]:
    """``{vector: leader}`` for one country (missing leaders as None)."""
    one = table[table["country_iso3"] == iso3].set_index("vector")["leader"]
    return {v: (None if pd.isna(x) else x) for v, x in one.items()}


def concentration(rows: pd.DataFrame) -> dict[str, object]:
    """Split one country's share vectors into those one group dominates (``{vector: leader}``) and the rest.

    Dominated means the leader holds more than :data:`DOMINANT_SHARE` percent; the UN-votes
    vector has no shares and is in neither list.
    """
    shares = rows[(rows["unit"] == SHARE_UNIT) & rows["leader"].notna()]
    dominated = shares[shares["leader_value"] > DOMINANT_SHARE]
    return {
        "dominated": dict(zip(dominated["vector"], dominated["leader"], strict=True)),
        "shared": shares.loc[shares["leader_value"] <= DOMINANT_SHARE, "vector"].tolist(),
    }


def russia_leads_everywhere(table: pd.DataFrame, iso3: str) -> dict[str, object]:
    """Whether Russia leads in every vector with data for ``iso3``, and in which vectors it does not."""
    one = table[(table["country_iso3"] == iso3) & table["leader"].notna()]
    not_led = one.loc[one["leader"] != RUSSIA, "vector"].tolist()
    return {"vectors_with_data": len(one), "led_by_russia": int((one["leader"] == RUSSIA).sum()), "not_led": not_led}


# --- assembling the scorecard from the chapter's tables -----------------------------------------------

NO_EXPORTS = "the raw files hold no exports by partner for this country"
NO_IMPORTS = "the raw files hold no imports by partner for this country"
NO_INVESTMENT = (
    "the raw files hold no inward FDI by investor for this country (the IMF positions cover five investor "
    "countries only, Russia not among them)"
)
NO_ARMS = "no delivery of major arms recorded in the window"


def build_scorecard(
    countries: Sequence[str],
    names: Mapping[str, str],
    focus: str,
    tables: Mapping[str, pd.DataFrame],
    periods: Mapping[str, Any],
) -> pd.DataFrame:
    """One row per country and vector, from the chapter's tables.

    ``tables``: ``trade_by_partner`` (:func:`kzmv.analysis.trade.tidy_trade_by_partner`),
    ``fdi_by_partner`` and ``fdi_world`` (:func:`kzmv.analysis.fdi.tidy_fdi_by_partner` and the
    inward stock's World total by year, :func:`kzmv.analysis.fdi.world_total`), ``peer_imports``
    (:func:`kzmv.analysis.sanctions_trade.tidy_peer_imports`), ``arms``
    (:func:`kzmv.analysis.security.arms_flows`) and ``distances``
    (:func:`kzmv.analysis.politics.distances`). ``periods``: ``trade_year`` and ``fdi_year``
    for the focus country, ``last_year`` (the latest year any peer's imports may come from),
    ``arms_window`` (a ``(first, last)`` pair) and ``vote_year``.
    Exports, imports and investment by partner exist for ``focus`` only (its own statistics)
    and imports for the peers whose national files are in the raw data; every other cell
    is a row with no leader and a note.
    """
    trade, arms, dist = tables["trade_by_partner"], tables["arms"], tables["distances"]
    first, last = (int(y) for y in periods["arms_window"])
    rows: list[dict[str, object]] = []
    for iso3 in countries:
        name = names[iso3]
        if iso3 == focus:
            year = int(periods["trade_year"])
            one = trade[trade["year"] == year]
            for flow in ("exports", "imports"):
                shares = partner_shares(one[f"{flow}_usd_m"], one["group"], one["partner"])
                rows.append(share_lead(iso3, name, flow, shares, str(year), f"share of goods {flow}"))
            rows.append(_investment_row(iso3, name, tables, int(periods["fdi_year"])))
        else:
            rows.append(missing(iso3, name, "exports", NO_EXPORTS))
            rows.append(_peer_imports_row(iso3, name, tables["peer_imports"], int(periods["last_year"])))
            rows.append(missing(iso3, name, "investment", NO_INVESTMENT))
        inside = arms[(arms["recipient_iso3"] == iso3) & arms["year"].between(first, last)]
        if inside["tiv_m"].sum() <= 0:
            rows.append(missing(iso3, name, "arms", NO_ARMS))
        else:
            shares = partner_shares(inside["tiv_m"], inside["supplier_group"], inside["supplier"])
            if RUSSIA not in shares.index:  # SIPRI lists every delivery: none from Russia is a share of 0
                shares[RUSSIA] = 0.0
            window = security.window_label((first, last))
            rows.append(share_lead(iso3, name, "arms", shares, window, "share of major arms imports (TIV)"))
        vote_year = int(periods["vote_year"])
        near = dist[(dist["iso3"] == iso3) & (dist["year"] == vote_year)]
        near = near[near["reference_iso3"].isin(list(politics.VOTE_PARTNERS))]
        by_group = near.set_index("reference_iso3")["distance"].rename(index=politics.VOTE_PARTNERS)
        rows.append(distance_lead(iso3, name, by_group, str(vote_year), "distance between UN ideal points"))
    return scorecard(rows, list(countries))


def _investment_row(iso3: str, name: str, tables: Mapping[str, pd.DataFrame], year: int) -> dict[str, object]:
    """The focus country's inward FDI stock by partner in ``year``, as shares of wiiw's World total."""
    partners, world = tables["fdi_by_partner"], tables["fdi_world"]
    stock = partners[(partners["measure"] == "inward stock") & (partners["year"] == year)]
    total = world.get(year, np.nan)
    if stock.empty or pd.isna(total):
        return missing(iso3, name, "investment", NO_INVESTMENT)
    shares = partner_shares(stock["value"], stock["group"], stock["partner"], float(total))
    return share_lead(
        iso3, name, "investment", shares, str(year), "share of the inward FDI stock (wiiw, NBK)",
        note="immediate investors; the Netherlands counts in the EU-27",
    )  # fmt: skip


def _peer_imports_row(iso3: str, name: str, peer: pd.DataFrame, last_year: int) -> dict[str, object]:
    """A peer's imports by partner in its latest usable year up to ``last_year``."""
    year = sanctions_trade.latest_usable_year(peer, iso3, last_year)
    if year is None:
        return missing(iso3, name, "imports", NO_IMPORTS)
    partial = [y for (r, y) in sanctions_trade.UNUSABLE if r == iso3 and year < y <= last_year]
    note = f"{partial[0]} is a partial year in the national file, so {year} is shown" if partial else ""
    one = peer[(peer["reporter_iso3"] == iso3) & (peer["year"] == year)]
    shares = partner_shares(one["imports_usd_m"], one["group"], one["partner"])
    return share_lead(iso3, name, "imports", shares, str(year), "share of goods imports", note)


# --- Russia's weight in the first years of every series --------------------------------------------------------

# How many first years of each series count as "an early stage".
EARLY_YEARS = 5
EARLY_COLUMNS = [
    "vector",
    "first_year",
    "last_year",
    "unit",
    "russia_value",
    "russia_rank_country",
    "leader_country",
    "leader_country_value",
    "russia_rank_group",
    "leader_group",
    "leader_group_value",
]


def _ranked(values: pd.Series, ascending: bool = False) -> pd.Series:
    order = sorted(values.index, key=lambda k: ((values[k] if ascending else -values[k]), str(k)))
    return values.reindex(order)


def _early_row(vector: str, span: tuple[int, int], unit: str, by_country: pd.Series, by_group: pd.Series,
               ascending: bool = False) -> dict[str, object]:  # fmt: skip
    countries, groups = _ranked(by_country.dropna(), ascending), _ranked(by_group.dropna(), ascending)
    return {
        "vector": vector,
        "first_year": span[0],
        "last_year": span[1],
        "unit": unit,
        "russia_value": float(countries.get(RUSSIA, np.nan)),
        "russia_rank_country": list(countries.index).index(RUSSIA) + 1 if RUSSIA in countries.index else np.nan,
        "leader_country": str(countries.index[0]),
        "leader_country_value": float(countries.iloc[0]),
        "russia_rank_group": list(groups.index).index(RUSSIA) + 1 if RUSSIA in groups.index else np.nan,
        "leader_group": str(groups.index[0]),
        "leader_group_value": float(groups.iloc[0]),
    }


def early_weight(
    trade_by_partner: pd.DataFrame,
    fdi_by_partner: pd.DataFrame,
    fdi_world: pd.Series,
    arms: pd.DataFrame,
    ideal: pd.DataFrame,
    focus: str = "KAZ",
    years: int = EARLY_YEARS,
) -> pd.DataFrame:
    """Russia's weight in the first ``years`` years of every series the report holds, country by country and by group.

    Each vector over its own first years: trade (exports, imports, turnover; shares of the
    sum over partners), the inward FDI stock (share of wiiw's world total), major-arms
    deliveries (share of TIV) and UN votes (mean distance between ideal points to Russia,
    China and the USA; smaller is closer). Values are pooled over the years (summed
    flows or stocks over summed totals), so that one odd year does not decide. Ranks are
    among single countries and among the report's groups (the EU-27 as one): "dominant
    by country" and "dominant against the EU as a bloc" can differ, and both are kept.
    """
    rows = []
    first = int(trade_by_partner["year"].min())
    span = (first, first + years - 1)
    window = trade_by_partner[trade_by_partner["year"].between(*span)]
    for flow in ("exports", "imports", "turnover"):
        sums = window.groupby(["partner", "group"])[f"{flow}_usd_m"].sum(min_count=1).reset_index()
        total = float(sums[f"{flow}_usd_m"].sum())
        by_country = 100 * sums.set_index("partner")[f"{flow}_usd_m"] / total
        by_group = partner_shares(sums[f"{flow}_usd_m"], sums["group"], sums["partner"])
        rows.append(_early_row(flow, span, SHARE_UNIT, by_country, by_group))
    stock = fdi_by_partner[fdi_by_partner["measure"] == "inward stock"]
    first = int(stock["year"].min())
    span = (first, first + years - 1)
    inside = stock[stock["year"].between(*span)].groupby(["partner", "group"])["value"].sum(min_count=1).reset_index()
    world = float(fdi_world.loc[span[0] : span[1]].sum())
    rows.append(
        _early_row(
            "investment",
            span,
            SHARE_UNIT,
            100 * inside.set_index("partner")["value"] / world,
            partner_shares(inside["value"], inside["group"], inside["partner"], world),
        )
    )
    mine = arms[arms["recipient_iso3"] == focus]
    first = int(mine["year"].min())
    span = (first, first + years - 1)
    inside = mine[mine["year"].between(*span)].groupby(["supplier", "supplier_group"])["tiv_m"].sum().reset_index()
    rows.append(
        _early_row(
            "arms",
            span,
            SHARE_UNIT,
            100 * inside.set_index("supplier")["tiv_m"] / inside["tiv_m"].sum(),
            partner_shares(inside["tiv_m"], inside["supplier_group"], inside["supplier"]),
        )
    )
    points = politics.positions(ideal)
    first = int(points[focus].dropna().index.min())
    span = (first, first + years - 1)
    names = ideal.drop_duplicates("iso3").set_index("iso3")["country"]
    poles = {politics.VOTE_PARTNERS.get(r, names.get(r, r)): r for r in politics.REFERENCES}
    distance = pd.Series(
        {
            label: float((points.loc[span[0] : span[1], focus] - points.loc[span[0] : span[1], r]).abs().mean())
            for label, r in poles.items()
        }
    )
    rows.append(_early_row("UN votes", span, DISTANCE_UNIT, distance, distance, ascending=True))
    out = pd.DataFrame(rows, columns=EARLY_COLUMNS)
    for column in ("russia_value", "leader_country_value", "leader_group_value"):
        out[column] = out[column].astype(float).round(6)
    out[["russia_rank_country", "russia_rank_group"]] = out[["russia_rank_country", "russia_rank_group"]].astype(
        "Int64"
    )
    return out


# --- the scorecard's own robustness: its years, its reading of partners, its UN vector -------------------

YEAR_READINGS: tuple[str, ...] = ("latest", "common year")
PARTNER_READINGS: tuple[str, ...] = ("bloc", "country")
VOTE_READINGS: tuple[str, ...] = ("ideal point", "Ukraine votes")
AGREEMENT_UNIT = "percent of votes cast alike"
VARIANT_KEYS = ["country_iso3", "years", "reading", "votes"]
VARIANT_COLUMNS = [*VARIANT_KEYS, *[c for c in SCORE_COLUMNS if c != "country_iso3"]]


def common_year(periods: Mapping[str, Any]) -> int:
    """The latest year every vector has data for: the earliest of the vectors' latest years."""
    return min(
        int(periods["trade_year"]), int(periods["fdi_year"]), int(periods["vote_year"]), int(periods["arms_window"][1])
    )


def agreement_lead(
    country_iso3: str, country: str, grid: pd.DataFrame, partners: Mapping[str, str], since: str
) -> dict[str, object]:
    """The partner whose votes on the Ukraine resolutions since ``since`` ``country`` shared most often.

    Agreement is the percentage of the resolutions where both votes are known on
    which the two cast the same vote (:func:`kzmv.analysis.politics.agreement`);
    unknown votes count neither way.
    """
    war = grid[grid["date"] >= since]
    present = [iso3 for iso3 in partners if iso3 in set(war["country_iso3"])]
    shares, compared = {}, {}
    for iso3 in present:
        agree = politics.agreement(war, country_iso3, iso3)
        if agree["compared"]:
            shares[partners[iso3]] = 100 * agree["same"] / agree["compared"]
            compared[partners[iso3]] = agree["compared"]
    if not shares:
        return missing(country_iso3, country, "UN votes", "no Ukraine vote known for both")
    ranked = pd.Series(shares).sort_values(ascending=False, kind="stable")
    dates = war["date"].astype(str)
    period = f"{dates.min()[:4]}–{dates.max()[:4]}"
    leader = ranked.index[0]
    has_runner = len(ranked) > 1
    return _row(
        country_iso3,
        country,
        "UN votes",
        period=period,
        measure="agreement on the Ukraine resolutions",
        unit=AGREEMENT_UNIT,
        leader=leader,
        leader_value=round(float(ranked.iloc[0]), 6),
        runner_up=ranked.index[1] if has_runner else np.nan,
        runner_up_value=round(float(ranked.iloc[1]), 6) if has_runner else np.nan,
        lead=round(float(ranked.iloc[0] - ranked.iloc[1]), 6) if has_runner else np.nan,
        lead_unit=LEAD_PP,
        russia_value=round(float(ranked[RUSSIA]), 6) if RUSSIA in ranked.index else np.nan,
        russia_rank=int(list(ranked.index).index(RUSSIA) + 1) if RUSSIA in ranked.index else np.nan,
        note=f"resolutions with both votes known: {compared[leader]}",
    )


def _shares_row(
    iso3: str, name: str, vector: str, values: pd.Series, groups: pd.Series, names: pd.Series, reading: str,
    period: str, measure: str, total: float | None = None, note: str = "",
) -> dict[str, object]:  # fmt: skip
    """One share vector read by partner group ("Other" split) or by single country."""
    key = groups if reading == "bloc" else names
    shares = partner_shares(values, key, names, total)
    if RUSSIA not in shares.index and vector == "arms":  # SIPRI lists every delivery: none from Russia is a share of 0
        shares[RUSSIA] = 0.0
    return share_lead(iso3, name, vector, shares, period, measure, note)


def scorecard_variants(
    focus: str, name: str, tables: Mapping[str, pd.DataFrame], periods: Mapping[str, Any]
) -> pd.DataFrame:
    """The focus country's scorecard under each variant of its three choices, one row per variant and vector.

    Why: "Russia leads k of n vectors" rests on choices a careful reader may make
    otherwise. **Years**: each vector's latest year (trade in the latest complete
    year, investment in the last year of the partner data, arms in the latest
    window, the ideal points of the latest year), or one common year, the latest
    every vector reaches (:func:`common_year`); the votes on the war have no year
    before it, so that vector keeps its own years and shows them. **Reading**:
    partner groups as blocs, or single countries, as the briefing paper's chart of
    top partners ranks them. **Votes**: the nearest ideal point (a position on all
    the Assembly's votes, which moves when either country moves), or agreement on
    the Ukraine resolutions since the invasion. ``tables`` and ``periods`` are those
    of :func:`build_scorecard`, with ``votes`` (the Ukraine votes grid) and
    ``war_start`` (the invasion's date, ISO) added.
    """
    trade, partners, world = tables["trade_by_partner"], tables["fdi_by_partner"], tables["fdi_world"]
    arms, dist, grid = tables["arms"], tables["distances"], tables["votes"]
    first, last = (int(y) for y in periods["arms_window"])
    common = common_year(periods)
    rows: list[dict[str, object]] = []
    for years, reading, votes in itertools.product(YEAR_READINGS, PARTNER_READINGS, VOTE_READINGS):
        at = {
            "trade": int(periods["trade_year"]) if years == "latest" else common,
            "fdi": min(int(periods["fdi_year"]), common) if years == "common year" else int(periods["fdi_year"]),
            "vote": int(periods["vote_year"]) if years == "latest" else common,
        }
        window = (first, last) if years == "latest" else (common - (last - first), common)
        cells = []
        one = trade[trade["year"] == at["trade"]]
        for flow in ("exports", "imports"):
            cells.append(
                _shares_row(
                    focus,
                    name,
                    flow,
                    one[f"{flow}_usd_m"],
                    one["group"],
                    one["partner"],
                    reading,
                    str(at["trade"]),
                    f"share of goods {flow}",
                )
            )
        stock = partners[(partners["measure"] == "inward stock") & (partners["year"] == at["fdi"])]
        total = world.get(at["fdi"], np.nan)
        if stock.empty or pd.isna(total):
            cells.append(missing(focus, name, "investment", NO_INVESTMENT))
        else:
            cells.append(
                _shares_row(
                    focus,
                    name,
                    "investment",
                    stock["value"],
                    stock["group"],
                    stock["partner"],
                    reading,
                    str(at["fdi"]),
                    "share of the inward FDI stock (wiiw, NBK)",
                    float(total),
                )
            )
        inside = arms[(arms["recipient_iso3"] == focus) & arms["year"].between(*window)]
        if inside["tiv_m"].sum() <= 0:
            cells.append(missing(focus, name, "arms", NO_ARMS))
        else:
            cells.append(
                _shares_row(
                    focus,
                    name,
                    "arms",
                    inside["tiv_m"],
                    inside["supplier_group"],
                    inside["supplier"],
                    reading,
                    security.window_label(window),
                    "share of major arms imports (TIV)",
                )
            )
        if votes == "ideal point":
            near = dist[(dist["iso3"] == focus) & (dist["year"] == at["vote"])]
            near = near[near["reference_iso3"].isin(list(politics.VOTE_PARTNERS))]
            by_partner = near.set_index("reference_iso3")["distance"].rename(index=politics.VOTE_PARTNERS)
            cells.append(distance_lead(focus, name, by_partner, str(at["vote"]), "distance between UN ideal points"))
        else:
            cells.append(agreement_lead(focus, name, grid, politics.VOTE_PARTNERS, str(periods["war_start"])))
        rows.extend({**cell, "years": years, "reading": reading, "votes": votes} for cell in cells)
    table = pd.DataFrame(rows, columns=VARIANT_COLUMNS)
    table["russia_rank"] = table["russia_rank"].astype("Int64")
    return table


def variant_summary(variants: pd.DataFrame, country: str) -> pd.DataFrame:
    """Per variant: the vectors with data, how many Russia leads, the others' leaders, and the years compared."""
    rows = []
    mine = variants[variants["country_iso3"] == country]
    for (years, reading, votes), part in mine.groupby(VARIANT_KEYS[1:], sort=False):
        led = part[part["leader"].notna()]
        others = led[led["leader"] != RUSSIA]
        rows.append(
            {
                "years": years,
                "reading": reading,
                "votes": votes,
                "vectors_with_data": len(led),
                "led_by_russia": int((led["leader"] == RUSSIA).sum()),
                "not_led_by_russia": "; ".join(
                    f"{v} ({g})" for v, g in zip(others["vector"], others["leader"], strict=True)
                ),
                "periods": "; ".join(f"{v} {p}" for v, p in zip(led["vector"], led["period"], strict=True)),
            }
        )
    return pd.DataFrame(rows)
