"""One mutation test per tested claim: data that should refute it must turn the verdict, data that should support it too.

A verdict whose test could not have come out otherwise is not evidence. For
every tested claim in the register, the published tables are changed in the
smallest way that, by the claim's ``refuted_by``, should refute it, and in a way
that should support it; the claim's own measure and rule must then give "not
supported" and "supported". A claim added to the register without its two
mutations here fails :func:`test_every_tested_claim_has_its_mutations`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from kzmv.analysis.claims import MEASURES, measured_value, measures, verdict
from kzmv.data.claims_register import Claim, load_register, required_tables
from kzmv.data.evidence import load_tables

ROOT = Path(__file__).resolve().parents[1]
Tables = dict[str, pd.DataFrame]
Mutation = Callable[[Tables], Tables]


@pytest.fixture(scope="module")
def register() -> list[Claim]:
    return load_register(MEASURES, ROOT / "data" / "claims.yml")


@pytest.fixture(scope="module")
def published(register) -> Tables:
    return load_tables(required_tables(register, MEASURES), ROOT / "data" / "processed")


# --------------------------------------------------------------------------- how tables are changed


def _where(frame: pd.DataFrame, **keys) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for column, wanted in keys.items():
        mask &= frame[column] == wanted
    assert mask.any(), f"no row for {keys}"
    return mask


def scale_group(group: str, year: int, factor: float) -> Mutation:
    """Multiply a partner group's exports, imports and turnover in one year (trade_by_group)."""

    def change(tables: Tables) -> Tables:
        frame = tables["trade_by_group"].copy()
        mask = _where(frame, group=group, year=year)
        for column in ("exports_usd_m", "imports_usd_m", "turnover_usd_m"):
            frame.loc[mask, column] *= factor
        return {**tables, "trade_by_group": frame}

    return change


def set_cell(table: str, column: str, value: float | Callable[[pd.Series], pd.Series], **keys) -> Mutation:
    """Set one column of the rows matching ``keys`` in ``table`` (a value, or a function of the old values)."""

    def change(tables: Tables) -> Tables:
        frame = tables[table].copy()
        mask = _where(frame, **keys)
        frame.loc[mask, column] = value(frame.loc[mask, column]) if callable(value) else value
        return {**tables, table: frame}

    return change


def imf(code: str, years: range, value: float) -> Mutation:
    """Set an IMF WEO series for Kazakhstan in ``years``."""

    def change(tables: Tables) -> Tables:
        frame = tables["raw:imf_weo_kaz"].copy()
        mask = (frame["weo_subject_code"] == code) & frame["year"].isin(list(years))
        frame.loc[mask, "value"] = value
        return {**tables, "raw:imf_weo_kaz": frame}

    return change


def chain(*mutations: Mutation) -> Mutation:
    """Several changes, one after the other."""

    def change(tables: Tables) -> Tables:
        for mutation in mutations:
            tables = mutation(tables)
        return tables

    return change


def wb_cpi(year: int, value: float) -> Mutation:
    return set_cell(
        "macro_indicators", "value", value, iso3="KAZ", indicator=measures.CPI, source="World Bank WDI", year=year
    )


def arms(recipient: str, supplier_group: str, years: range, factor: float) -> Mutation:
    """Multiply the TIV a supplier group delivered to ``recipient`` in ``years`` (arms_imports_by_supplier)."""

    def change(tables: Tables) -> Tables:
        frame = tables["arms_imports_by_supplier"].copy()
        mask = (
            (frame["recipient_iso3"] == recipient)
            & (frame["supplier_group"] == supplier_group)
            & frame["year"].isin(list(years))
        )
        assert mask.any(), f"no delivery from {supplier_group} to {recipient} in {years}"
        frame.loc[mask, "tiv_m"] *= factor
        return {**tables, "arms_imports_by_supplier": frame}

    return change


def votes(country: str, vote: str, since: str, until: str = "9999") -> Mutation:
    """Set every vote of ``country`` on the resolutions from ``since`` to ``until`` (unga_ukraine_votes)."""

    def change(tables: Tables) -> Tables:
        frame = tables["unga_ukraine_votes"].copy()
        mask = (frame["country_iso3"] == country) & frame["date"].between(since, until)
        assert mask.any()
        frame.loc[mask, "vote"] = vote
        return {**tables, "unga_ukraine_votes": frame}

    return change


def eu_exports(partner: str, year: str, factor: float) -> Mutation:
    """Multiply the EU-27's monthly exports to ``partner`` in ``year`` (sanctions_era_trade)."""

    def change(tables: Tables) -> Tables:
        frame = tables["sanctions_era_trade"].copy()
        mask = (
            (frame["partner_iso3"] == partner) & (frame["frequency"] == "month") & frame["period"].str.startswith(year)
        )
        assert mask.any()
        frame.loc[mask, "value_m"] *= factor
        return {**tables, "sanctions_era_trade": frame}

    return change


def same(tables: Tables) -> Tables:
    """The published data, where they already give the verdict the mutation asks for."""
    return tables


# claim id -> (data that should refute it, data that should support it)
MUTATIONS: dict[str, tuple[Mutation, Mutation]] = {
    # trade: shares for claims of change, levels where the claim names them
    "A1": (scale_group("China", 2022, 0.9), scale_group("China", 2022, 1.1)),
    "W1": (scale_group("China", 2022, 0.3), scale_group("China", 2022, 1.1)),
    "W2": (scale_group("USA", 2022, 0.9), scale_group("USA", 2022, 1.2)),
    "W6": (scale_group("Turkey", 2022, 0.8), scale_group("Turkey", 2022, 1.1)),
    "B3": (
        scale_group("Russia", 2023, 0.97),
        chain(scale_group("Russia", 2023, 1.05), scale_group("Russia", 2024, 1.1)),
    ),
    "B24": (same, scale_group("Russia", 2024, 1.5)),
    "B7": (scale_group("Russia", 2024, 0.5), scale_group("Russia", 2024, 30158 / 28136)),
    "B8": (
        same,
        set_cell("trade_by_partner", "turnover_usd_m", 28000.0, partner_iso3="ITA", year=2024),
    ),
    "B13": (
        set_cell("trade_by_partner", "turnover_usd_m", lambda v: v * 2, partner_iso3="RUS", year=2024),
        same,
    ),
    # investment
    "W3": (
        set_cell("fdi_by_partner", "value", lambda v: v * 3, partner_iso3="USA", year=2021, measure="inward stock"),
        same,
    ),
    "W4": (
        set_cell("fdi_by_group", "share_of_world_pct", 30.0, group="EU-27", year=2021, measure="inward stock"),
        set_cell("fdi_by_group", "share_of_world_pct", 60.0, group="EU-27", year=2021, measure="inward stock"),
    ),
    "W7": (
        set_cell("fdi_by_activity", "share_of_total_pct", 10.0, year=2021, measure="inward stock", nace_code="B"),
        same,
    ),
    "B10": (
        same,
        set_cell("fdi_gross_vs_net", "value", 20.0, partner="All countries", year=2022, concept="gross inflow"),
    ),
    # energy
    "B1": (
        set_cell("export_structure", "share_of_total_pct", 30.0, item_code="CRUDE_OIL", year=2024),
        set_cell("export_structure", "share_of_total_pct", 53.0, item_code="CRUDE_OIL", year=2024),
    ),
    "B2": (set_cell("oil_exports", "share_of_total_pct", 70.0, route="CPC", year=2025), same),
    "B9": (set_cell("raw:oil_cpc_page_figures", "value", 20.0, indicator="oil exports to EU", year=2023), same),
    "B20": (
        set_cell("oil_exports", "share_of_total_pct", 30.0, route="Bypassing Russian ports (memo)", year=2023),
        same,
    ),
    "B21": (set_cell("oil_exports", "value", 200.0, route="Total exports", year=2025), same),
    "B22": (
        set_cell(
            "raw:oil_cpc_page_figures", "value", 100.0, indicator="transit of Russian oil through Kazakhstan, Jan-Oct"
        ),
        same,
    ),
    "B23": (set_cell("raw:oil_cpc_page_figures", "value", 30.0, indicator="shareholding KazMunayGas"), same),
    # macro
    "B15": (chain(wb_cpi(2022, 2.0), wb_cpi(2023, 2.0)), same),
    "B16": (same, imf("NGDP_RPCH", range(2022, 2025), 1.0)),
    "B17": (imf("NGDP_RPCH", range(2022, 2025), 10.0), same),
    "B18": (
        set_cell(
            "macro_indicators", "value", 3.0, iso3="KAZ", indicator=measures.CPI, source="IMF WEO April 2025", year=2024
        ),
        same,
    ),
    "B19": (same, imf("BCA_NGDPD", range(2024, 2025), -8.0)),
    # politics, security, wartime trade
    "B14": (
        same,
        chain(
            set_cell("vector_scorecard", "leader", "Russia", country_iso3="KAZ", vector="exports"),
            set_cell("vector_scorecard", "leader", "Russia", country_iso3="KAZ", vector="investment"),
        ),
    ),
    "B26": (arms("KAZ", "Russia", range(2020, 2025), 0.1), same),
    "B27": (same, arms("KAZ", "Russia", range(2020, 2025), 3.0)),
    "W8": (arms("KAZ", "Turkey", range(2022, 2025), 0.0), same),
    "B28": (votes("KAZ", "no", "2022-02-24"), same),
    "W9": (votes("KAZ", "yes", "2022-02-24", "2023-04-27"), same),
    # Kazakhstan's own position moved a long way towards Russia's pre-war one (Russia stood above it in 2021)
    "B29": (set_cell("unga_ideal_points", "ideal_point", 0.0, iso3="KAZ", year=2024), same),
    "B30": (eu_exports("KAZ", "2023", 0.2), same),
}


def test_every_tested_claim_has_its_mutations(register) -> None:
    tested = {c.claim_id for c in register if c.measure}
    assert set(MUTATIONS) == tested, (
        f"missing: {sorted(tested - set(MUTATIONS))}; stale: {sorted(set(MUTATIONS) - tested)}"
    )


@pytest.mark.parametrize("claim_id", sorted(MUTATIONS))
def test_refuting_data_turns_the_verdict_and_supporting_data_gives_support(claim_id, register, published) -> None:
    claim = next(c for c in register if c.claim_id == claim_id)
    refute, support = MUTATIONS[claim_id]

    def judged(tables: Tables) -> str:
        value = measured_value(claim, tables)
        return verdict(value, claim.claimed_value, claim.rule, 10.0)

    assert judged(refute(published)) == "not supported", f"{claim_id}: refuting data did not refute"
    assert judged(support(published)) == "supported", f"{claim_id}: supporting data did not support"
    assert judged(published) in {"supported", "partly supported", "not supported"}


def test_the_mutations_do_not_touch_the_published_tables(published) -> None:
    before = published["trade_by_group"].copy()
    scale_group("Russia", 2023, 0.5)(published)
    pd.testing.assert_frame_equal(published["trade_by_group"], before)
