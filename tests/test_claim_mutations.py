"""Mutation tests: data that should refute a claim must refute every one of its specifications.

A verdict whose test could not have come out otherwise is not evidence. For
every tested claim in the register, the published tables are changed in the
smallest way that, by the claim's ``refuted_by``, should refute it under every
reasonable reading, and every specification the register declares (each year,
reading, record, benchmark and tolerance) must then give "not supported" or
"contradicted", its band included; and a change that should support the claim
as stated must make it supported (or consistent, for a consistency test). The
specifications are read from the register, so a dimension added to a claim is
tested here at once; a claim added without its two mutations fails
:func:`test_every_tested_claim_has_its_mutations`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from kzmv.analysis.claims import MEASURES, assess, measures
from kzmv.analysis.claims.verdicts import CONSISTENT, CONTRADICTED, NOT_SUPPORTED, SUPPORTED
from kzmv.data.claims_register import Claim, load_register, required_tables
from kzmv.data.evidence import load_tables

ROOT = Path(__file__).resolve().parents[1]
Tables = dict[str, pd.DataFrame]
Mutation = Callable[[Tables], Tables]
REFUTED = {NOT_SUPPORTED, CONTRADICTED}


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
        mask &= frame[column].isin(wanted) if isinstance(wanted, list) else frame[column] == wanted
    assert mask.any(), f"no row for {keys}"
    return mask


FLOWS = ("exports_usd_m", "imports_usd_m", "turnover_usd_m")


def scale_partner(group: str, iso3: str, partner: str, years: list[int], factor: float) -> Mutation:
    """Multiply a single-country partner's trade in ``years``: its group, its country row and every quote of it.

    The quotes move too, so that the band of the figures as officials first
    quoted them follows the change instead of pointing back to the old level.
    """

    def change(tables: Tables) -> Tables:
        by_group, by_partner = tables["trade_by_group"].copy(), tables["trade_by_partner"].copy()
        pages = tables["raw:trade_page_figures"].copy()
        group_rows = _where(by_group, group=group, year=years)
        partner_rows = _where(by_partner, partner_iso3=iso3, year=years)
        for column in FLOWS:
            by_group.loc[group_rows, column] *= factor
            by_partner.loc[partner_rows, column] *= factor
        quoted = (pages["partner"] == partner) & pages["year"].isin(years) & pages["reporter"].str.startswith("Kaz")
        pages.loc[quoted, "value_usd_million"] *= factor
        return {**tables, "trade_by_group": by_group, "trade_by_partner": by_partner, "raw:trade_page_figures": pages}

    return change


def set_turnover(iso3: str, partner: str, year: int, value: float) -> Mutation:
    """Set one country's turnover in ``year`` (its group's moves with it), and every quote of it."""

    def change(tables: Tables) -> Tables:
        by_group, by_partner = tables["trade_by_group"].copy(), tables["trade_by_partner"].copy()
        pages = tables["raw:trade_page_figures"].copy()
        row = _where(by_partner, partner_iso3=iso3, year=year)
        shift = value - float(by_partner.loc[row, "turnover_usd_m"].iloc[0])
        by_partner.loc[row, "turnover_usd_m"] = value
        group = by_partner.loc[row, "group"].iloc[0]
        by_group.loc[_where(by_group, group=group, year=year), "turnover_usd_m"] += shift
        quoted = (pages["partner"] == partner) & (pages["year"] == year) & (pages["flow"] == "turnover")
        pages.loc[quoted, "value_usd_million"] = value
        return {**tables, "trade_by_group": by_group, "trade_by_partner": by_partner, "raw:trade_page_figures": pages}

    return change


def set_cell(table: str, column: str, value: float | str | Callable[[pd.Series], pd.Series], **keys) -> Mutation:
    """Set one column of the rows matching ``keys`` in ``table`` (a value, or a function of the old values)."""

    def change(tables: Tables) -> Tables:
        frame = tables[table].copy()
        mask = _where(frame, **keys)
        frame.loc[mask, column] = value(frame.loc[mask, column]) if callable(value) else value
        return {**tables, table: frame}

    return change


def chain(*mutations: Mutation) -> Mutation:
    """Several changes, one after the other."""

    def change(tables: Tables) -> Tables:
        for mutation in mutations:
            tables = mutation(tables)
        return tables

    return change


def imf(code: str, years: range, value: float) -> Mutation:
    """Set an IMF WEO series for Kazakhstan in ``years``."""
    return set_cell("raw:imf_weo_kaz", "value", value, weo_subject_code=code, year=list(years))


def cpi(source: str, years: range, value: float) -> Mutation:
    return set_cell(
        "macro_indicators", "value", value, iso3="KAZ", indicator=measures.CPI, source=source, year=list(years)
    )


def both_cpi(years: range, value: float) -> Mutation:
    """Both records of inflation at once: the World Bank's and the IMF's (each claim's band reads the other)."""
    return chain(cpi("World Bank WDI", years, value), cpi("IMF WEO April 2025", years, value))


def arms(recipient: str, supplier_group: str, years: range, factor: float) -> Mutation:
    """Multiply the TIV a supplier group delivered to ``recipient`` in ``years`` (arms_imports_by_supplier)."""
    return set_cell(
        "arms_imports_by_supplier",
        "tiv_m",
        lambda v: v * factor,
        recipient_iso3=recipient,
        supplier_group=supplier_group,
        year=list(years),
    )


def votes(country: str, vote: str, since: str, until: str = "9999") -> Mutation:
    """Set every vote of ``country`` on the resolutions from ``since`` to ``until`` (unga_ukraine_votes)."""

    def change(tables: Tables) -> Tables:
        frame = tables["unga_ukraine_votes"].copy()
        mask = (frame["country_iso3"] == country) & frame["date"].between(since, until)
        assert mask.any()
        frame.loc[mask, "vote"] = vote
        return {**tables, "unga_ukraine_votes": frame}

    return change


def eu_exports(partner: str, years: tuple[str, ...], factor: float) -> Mutation:
    """Multiply the EU-27's monthly exports to ``partner`` in ``years`` (sanctions_era_trade)."""

    def change(tables: Tables) -> Tables:
        frame = tables["sanctions_era_trade"].copy()
        mask = (
            (frame["partner_iso3"] == partner) & (frame["frequency"] == "month") & frame["period"].str.startswith(years)
        )
        assert mask.any()
        frame.loc[mask, "value_m"] *= factor
        return {**tables, "sanctions_era_trade": frame}

    return change


def _move_ideal_points(frame: pd.DataFrame, mask: pd.Series, to: float) -> None:
    """Move the ideal points of the rows ``mask`` to ``to`` in place, each 5-95% band shifted with its point."""
    shift = to - frame.loc[mask, "ideal_point"]
    for column in ("ideal_point", "lower_5", "upper_95"):
        frame.loc[mask, column] += shift


def ideal_point(country: str, years: list[int], value: float) -> Mutation:
    """Move a country's ideal point in ``years`` to ``value``, its 5-95% band with it."""

    def change(tables: Tables) -> Tables:
        frame = tables["unga_ideal_points"].copy()
        _move_ideal_points(frame, _where(frame, iso3=country, year=years), value)
        return {**tables, "unga_ideal_points": frame}

    return change


def ideal_point_at_russia(countries: list[str], year: int) -> Mutation:
    """Put each country's ideal point in ``year`` where Russia's stands (its band moved with it)."""

    def change(tables: Tables) -> Tables:
        frame = tables["unga_ideal_points"].copy()
        russia = float(frame.loc[_where(frame, iso3="RUS", year=year), "ideal_point"].iloc[0])
        for country in countries:
            _move_ideal_points(frame, _where(frame, iso3=country, year=year), russia)
        return {**tables, "unga_ideal_points": frame}

    return change


def add_russian_gross_inflow(years: list[int], times_2021: float) -> Mutation:
    """Add Russia's gross FDI inflow for ``years`` at ``times_2021`` its level of 2021: data reaching a later period."""

    def change(tables: Tables) -> Tables:
        frame = tables["fdi_gross_vs_net"]
        russia = frame[(frame["partner"] == "Russia") & (frame["concept"] == "gross inflow")]
        base = float(russia.loc[russia["year"] == 2021, "value"].iloc[0])
        template = russia[russia["year"] == russia["year"].max()]
        added = [template.assign(year=year, value=base * times_2021) for year in years]
        return {**tables, "fdi_gross_vs_net": pd.concat([frame, *added], ignore_index=True)}

    return change


def crude_steady(since: str) -> Mutation:
    """Crude and other exports held at their last pre-``since`` level from ``since`` on: no month can dip."""

    def change(tables: Tables) -> Tables:
        frame = tables["crude_exports_monthly"].copy()
        mask = frame["month"] >= since
        for column in ("crude_usd_m", "other_usd_m"):
            frame.loc[mask, column] = float(frame.loc[~mask, column].iloc[-1])
        return {**tables, "crude_exports_monthly": frame}

    return change


def without_suppliers_other_than_russia(recipient: str, first: int, last: int) -> Mutation:
    """No supplier but Russia delivers to ``recipient`` in ``first``..``last``, by delivery and by order year."""

    def change(tables: Tables) -> Tables:
        flows = tables["arms_imports_by_supplier"].copy()
        orders = tables["arms_orders_by_supplier"].copy()
        flows.loc[
            (flows["recipient_iso3"] == recipient)
            & flows["year"].between(first, last)
            & (flows["supplier"] != "Russia"),
            "tiv_m",
        ] = 0.0
        orders.loc[
            (orders["recipient_iso3"] == recipient)
            & orders["order_year"].between(first, last)
            & (orders["supplier"] != "Russia"),
            "tiv_m",
        ] = 0.0
        return {**tables, "arms_imports_by_supplier": flows, "arms_orders_by_supplier": orders}

    return change


def all_led_by_russia(tables: Tables) -> Tables:
    frame = tables["vector_scorecard_variants"].copy()
    frame.loc[frame["leader"].notna(), "leader"] = "Russia"
    return {**tables, "vector_scorecard_variants": frame}


def same(tables: Tables) -> Tables:
    """The published data, where they already give the verdict the mutation asks for."""
    return tables


WAR_YEARS = [2022, 2023, 2024, 2025]
BASES = [2019, 2020, 2021]
CENTRAL_ASIA = ["KAZ", "UZB", "KGZ", "TJK", "TKM"]

# claim id -> (data that should refute every specification, data that should support the claim as stated)
MUTATIONS: dict[str, tuple[Mutation, Mutation]] = {
    # trade: shares for claims of change, levels where the claim names them
    "A1": (scale_partner("China", "CHN", "China", [2022], 0.5), scale_partner("China", "CHN", "China", [2022], 1.1)),
    "W1": (scale_partner("China", "CHN", "China", [2022], 0.05), scale_partner("China", "CHN", "China", [2022], 1.1)),
    "W2": (
        scale_partner("USA", "USA", "United States", [2022], 0.5),
        scale_partner("USA", "USA", "United States", [2022], 1.2),
    ),
    "W6": (
        scale_partner("Turkey", "TUR", "Turkey", [2022], 0.5),
        scale_partner("Turkey", "TUR", "Turkey", [2022], 1.1),
    ),
    "B3": (
        scale_partner("Russia", "RUS", "Russia", [2023], 0.9),
        chain(
            scale_partner("Russia", "RUS", "Russia", [2023], 1.05),
            scale_partner("Russia", "RUS", "Russia", [2024, 2025], 1.1),
        ),
    ),
    "B24": (
        scale_partner("Russia", "RUS", "Russia", [2024], 0.5),
        scale_partner("Russia", "RUS", "Russia", [2024], 1.5),
    ),
    "B7": (
        scale_partner("Russia", "RUS", "Russia", [2023, 2024], 0.3),
        scale_partner("Russia", "RUS", "Russia", [2024], 30158 / 28136),
    ),
    "B8": (scale_partner("Russia", "RUS", "Russia", [2023, 2024], 0.2), set_turnover("ITA", "Italy", 2024, 28136.0)),
    "B13": (scale_partner("Russia", "RUS", "Russia", [2022, 2023, 2024], 3.0), same),
    # investment
    # the EU without its Dutch holdings against the largest investor outside it
    "W3": (
        set_cell("fdi_by_partner", "value", lambda v: v * 3, partner_iso3="USA", year=BASES, measure="inward stock"),
        set_cell(
            "fdi_by_partner",
            "value",
            lambda v: v * 0.1,
            group=["USA", "China", "Russia", "UK", "Turkey", "Other"],
            year=2021,
            measure="inward stock",
        ),
    ),
    "W4": (
        set_cell("fdi_by_group", "share_of_world_pct", 30.0, group="EU-27", year=BASES, measure="inward stock"),
        set_cell("fdi_by_group", "share_of_world_pct", 60.0, group="EU-27", year=2021, measure="inward stock"),
    ),
    # one investor and one activity hold nearly all of the latest stock, or every investor holds the same
    "W7": (
        chain(
            set_cell(
                "fdi_by_partner", "value", lambda v: v * 100, partner_iso3="NLD", year=2021, measure="inward stock"
            ),
            set_cell("fdi_by_activity", "value", lambda v: v * 100, nace_code="B", year=2021, measure="inward stock"),
        ),
        set_cell("fdi_by_partner", "value", 1.0, year=2021, measure="inward stock"),
    ),
    "B10": (
        set_cell(
            "fdi_positions_kazakhstan", "position_usd_m", lambda v: v * 1.3, year=2024, direction="into Kazakhstan"
        ),
        same,
    ),
    # the period rule: with no data of its period the claim is not testable; with them it is judged
    "B4": (add_russian_gross_inflow([2024, 2025], 1.5), add_russian_gross_inflow([2024, 2025], 2.5)),
    # energy
    "B1": (
        set_cell("export_structure", "share_of_total_pct", 30.0, item_code="CRUDE_OIL", year=[2023, 2024, 2025]),
        set_cell("export_structure", "share_of_total_pct", 53.0, item_code="CRUDE_OIL", year=2024),
    ),
    "B2": (set_cell("oil_exports", "share_of_total_pct", 60.0, route="CPC", year=[2022, 2023, 2025]), same),
    "B9": (
        chain(
            set_cell("raw:oil_cpc_page_figures", "value", 20.0, indicator="oil exports to EU", year=2023),
            set_cell("raw:oil_cpc_page_figures", "value", 30.0, indicator="EU share of crude oil exports", year=2023),
        ),
        same,
    ),
    "B20": (
        chain(
            set_cell("oil_bypass", "crossing_russia_min_pct", 70.0, year=[2022, 2023]),
            set_cell("oil_bypass", "crossing_russia_min_ports_only_pct", 75.0, year=[2022, 2023]),
        ),
        same,
    ),
    # the other routes once carried together more than the CPC does now
    "B21": (set_cell("oil_exports", "value", 100.0, route="Atyrau–Samara", year=2013), same),
    "B32": (
        chain(
            set_cell("oil_bypass", "bypass_share_pct", 1.0, year=2023),
            set_cell("oil_bypass", "ports_bypass_share_pct", 0.5, year=2023),
        ),
        same,
    ),
    "B33": (
        crude_steady("2021-01"),
        chain(
            set_cell("crude_exports_monthly", "crude_usd_m", lambda v: v * 0.01, month="2022-06"),
            set_cell("crude_exports_monthly", "crude_usd_m", lambda v: v * 0.01, month="2025-06"),
        ),
    ),
    "B22": (
        set_cell(
            "raw:oil_cpc_page_figures", "value", 100.0, indicator="transit of Russian oil through Kazakhstan, Jan-Oct"
        ),
        same,
    ),
    "B23": (
        chain(
            set_cell("raw:oil_cpc_page_figures", "value", 30.0, indicator="shareholding KazMunayGas"),
            set_cell(
                "raw:oil_cpc_page_figures",
                "value",
                40.0,
                indicator="shareholding Kazakhstan (KazMunayGas + Kazakhstan Pipeline Ventures)",
            ),
        ),
        same,
    ),
    # macro
    "B15": (both_cpi(range(2022, 2025), 2.0), same),
    "B16": (imf("NGDP_RPCH", range(2022, 2025), 10.0), imf("NGDP_RPCH", range(2022, 2025), 1.0)),
    "B34": (
        set_cell("macro_comovement", "correlation", -0.9, partner_iso3="RUS", last_year=[2021, 2024]),
        same,
    ),
    "B17": (imf("NGDP_RPCH", range(2022, 2025), 10.0), same),
    "B18": (both_cpi(range(2023, 2025), 2.0), cpi("World Bank WDI", range(2024, 2025), 9.0)),
    "B19": (imf("BCA_NGDPD", range(2023, 2025), 10.0), imf("BCA_NGDPD", range(2024, 2025), -8.0)),
    # politics, security, wartime trade
    "B14": (same, all_led_by_russia),
    "B26": (arms("KAZ", "Russia", range(2017, 2025), 0.02), same),
    "B27": (arms("KAZ", "Russia", range(2020, 2025), 0.1), arms("KAZ", "Russia", range(2020, 2025), 3.0)),
    "W8": (arms("KAZ", "Turkey", range(2018, 2025), 0.0), same),
    "B28": (votes("KAZ", "no", "2014-01-01"), same),
    "W9": (votes("KAZ", "yes", "2014-01-01", "2023-04-27"), same),
    # Kazakhstan voting as Russia does on every war resolution; the ideal points already read it as aligned
    "B29": (votes("KAZ", "no", "2022-02-24"), same),
    # EU exports to Kazakhstan no longer outgrow those to the destinations far from the war
    "B30": (set_cell("gateway_panel", "exports_eur_m", lambda v: v * 0.5, partner_iso3="KAZ", year=[2022, 2023]), same),
    "W10": (
        set_cell(
            "peer_imports_by_partner",
            "imports_usd_m",
            lambda v: v * 0.3,
            reporter_iso3="KAZ",
            group="EU-27",
            year=[2022, 2023],
        ),
        set_cell(
            "peer_imports_by_partner",
            "imports_usd_m",
            lambda v: v * 1.5,
            reporter_iso3="KAZ",
            group="EU-27",
            year=[2022, 2023],
        ),
    ),
    "W11": (without_suppliers_other_than_russia("KAZ", 2022, 2024), same),
    "W12": (votes("KAZ", "no", "2022-10-12", "2022-10-12"), votes("KAZ", "yes", "2022-10-12", "2022-10-12")),
    "A2": (
        chain(
            *(votes(c, "abstain", "2022-02-24") for c in CENTRAL_ASIA),
            ideal_point_at_russia(CENTRAL_ASIA, 2022),
        ),
        chain(*(votes(c, "yes", "2022-03-02", "2022-03-02") for c in ["KAZ", "UZB", "KGZ"])),
    ),
    "B31": (
        chain(
            set_cell(
                "russia_early_weight",
                "russia_rank_country",
                2,
                vector=["exports", "imports", "turnover", "investment", "arms", "UN votes"],
            ),
            set_cell(
                "russia_early_weight",
                "russia_rank_group",
                2,
                vector=["exports", "imports", "turnover", "investment", "arms", "UN votes"],
            ),
            set_cell(
                "russia_early_weight",
                "russia_value",
                10.0,
                vector=["exports", "imports", "turnover", "investment", "arms", "UN votes"],
            ),
        ),
        same,
    ),
}


def test_every_tested_claim_has_its_mutations(register) -> None:
    tested = {c.claim_id for c in register if c.measure}
    assert set(MUTATIONS) == tested, (
        f"missing: {sorted(tested - set(MUTATIONS))}; stale: {sorted(set(MUTATIONS) - tested)}"
    )


@pytest.mark.parametrize("claim_id", sorted(MUTATIONS))
def test_refuting_data_refutes_every_specification_and_supporting_data_supports_the_claim(
    claim_id, register, published
) -> None:
    claim = next(c for c in register if c.claim_id == claim_id)
    refute, support = MUTATIONS[claim_id]
    (refuted,) = assess([claim], refute(published), 10.0)
    survivors = [f"{r.spec.label}: {r.verdict}" for r in refuted.results if r.verdict not in REFUTED]
    assert not survivors, f"{claim_id}: refuting data left specifications standing: {survivors}"
    assert len(refuted.results) == len(claim.specifications(MEASURES))
    (supported,) = assess([claim], support(published), 10.0)
    expected = CONSISTENT if claim.test_kind == "consistency" else SUPPORTED
    assert supported.as_stated is not None and supported.as_stated.verdict == expected, (
        f"{claim_id}: supporting data gave {supported.as_stated.verdict if supported.as_stated else None}"
    )


def test_the_mutations_do_not_touch_the_published_tables(published) -> None:
    before = published["trade_by_group"].copy(), published["raw:trade_page_figures"].copy()
    scale_partner("Russia", "RUS", "Russia", [2023], 0.5)(published)
    pd.testing.assert_frame_equal(published["trade_by_group"], before[0])
    pd.testing.assert_frame_equal(published["raw:trade_page_figures"], before[1])
