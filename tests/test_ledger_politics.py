"""The ledger's measures for votes, arms, wartime trade and the scorecard, on tables small enough to check by eye.

Each measure is fed a toy table whose answer is known, then a change that must
move it; and a table that lacks what it needs must stop with one clear line.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kzmv.analysis import politics, sanctions_trade
from kzmv.analysis.claims import MEASURES
from kzmv.errors import PipelineError

# --------------------------------------------------------------------------- toys


def scorecard(leaders: dict[str, str | None], years: str = "latest", reading: str = "bloc") -> pd.DataFrame:
    return pd.DataFrame(
        {"country_iso3": "KAZ", "vector": list(leaders), "leader": [v for v in leaders.values()]},
    ).assign(years=years, reading=reading, votes="ideal point")


def flows(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["recipient_iso3", "supplier_group", "year", "tiv_m"]).assign(
        supplier=lambda f: f["supplier_group"], recipient="x", supplier_iso3="x"
    )


def grid(votes: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(votes, columns=["resolution", "date", "vote"]).assign(country_iso3="KAZ")


def ideal(points: dict[tuple[str, int], float]) -> pd.DataFrame:
    rows = [{"iso3": c, "country": c, "year": y, "ideal_point": v} for (c, y), v in points.items()]
    return pd.DataFrame(rows)


def monthly(partner: str, by_year: dict[int, float], months: int = 12) -> pd.DataFrame:
    rows = [
        {"partner_iso3": partner, "frequency": "month", "period": f"{y}-{m:02d}", "value_m": v / months}
        for y, v in by_year.items()
        for m in range(1, months + 1)
    ]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- the scorecard


def test_vectors_not_led_by_counts_only_vectors_with_data_in_the_variant_asked_for() -> None:
    card = pd.concat(
        [
            scorecard({"exports": "EU-27", "imports": "Russia", "investment": None, "arms": "Russia"}),
            scorecard({"exports": "China", "imports": "Russia", "investment": "Netherlands"}, "common year", "country"),
        ]
    )
    measure = MEASURES["vectors_not_led_by"]
    tables = {"vector_scorecard_variants": card}
    assert measure(tables, country="KAZ", partner="Russia") == 1
    assert measure(tables, country="KAZ", partner="Russia", leave_out=["exports"]) == 0
    assert measure(tables, country="KAZ", partner="Russia", years="common year", reading="country") == 2
    with pytest.raises(PipelineError, match="no row for UZB"):
        measure(tables, country="UZB", partner="Russia")
    with pytest.raises(PipelineError, match="no row for KAZ with years='common year', reading='bloc'"):
        measure(tables, country="KAZ", partner="Russia", years="common year")
    with pytest.raises(PipelineError, match="no vector of KAZ has data"):
        measure({"vector_scorecard_variants": scorecard({"exports": None})}, country="KAZ", partner="Russia")


# --------------------------------------------------------------------------- arms


ARMS = flows(
    [
        ("KAZ", "Russia", 2016, 90.0),
        ("KAZ", "Turkey", 2017, 10.0),
        ("KAZ", "Russia", 2021, 60.0),
        ("KAZ", "Turkey", 2022, 40.0),
        ("ARM", "Russia", 2016, 100.0),
        ("ARM", "Other", 2021, 80.0),
        ("ARM", "Russia", 2022, 20.0),
    ]
)


def test_arms_shares_are_taken_over_windows_and_against_the_peers() -> None:
    tables = {"arms_imports_by_supplier": ARMS}
    share, change = MEASURES["arms_supplier_share"], MEASURES["arms_share_change_pp"]
    assert share(tables, recipient="KAZ", group="Russia", years=[2015, 2017]) == pytest.approx(90.0)
    assert share(tables, recipient="KAZ", group="Russia", years=[2020, 2022]) == pytest.approx(60.0)
    args = {"recipient": "KAZ", "group": "Russia", "before": [2015, 2017], "after": [2020, 2022]}
    assert change(tables, **args) == pytest.approx(-30.0)
    # Armenia's share from Russia fell from 100% to 20%: against it, Kazakhstan's fell by less
    assert change(tables, **args, peers=["ARM"]) == pytest.approx(-30.0 - (-80.0))
    with pytest.raises(PipelineError, match="at least three years"):
        share(tables, recipient="KAZ", group="Russia", years=[2021, 2022])
    with pytest.raises(PipelineError, match="no delivery to KAZ recorded in 2010-2012"):
        share(tables, recipient="KAZ", group="Russia", years=[2010, 2012])
    with pytest.raises(PipelineError, match="none of"):
        change(tables, **args, peers=["GEO"])


# --------------------------------------------------------------------------- votes


VOTES = grid(
    [
        ("68/262", "2014-03-27", "abstain"),
        ("ES-11/1", "2022-03-02", "abstain"),
        ("ES-11/3", "2022-04-07", "no"),
        ("ES-11/4", "2022-10-12", "absent"),
        ("ES-11/7", "2025-02-24", "unknown"),
    ]
)


def test_unknown_votes_are_neither_abstentions_nor_sides_except_in_the_bound() -> None:
    measure = MEASURES["neutral_vote_share"]
    tables = {"unga_ukraine_votes": VOTES}
    assert measure(tables, country="KAZ", first_date="2022-02-24") == pytest.approx(100 * 2 / 3)
    assert measure(tables, country="KAZ", first_date="2022-02-24", unknown_as_sided=True) == pytest.approx(50.0)
    assert measure(tables, country="KAZ", first_date="2014-01-01") == pytest.approx(75.0)
    assert measure(tables, country="KAZ", first_date="2022-02-24", leave_out=["ES-11/3"]) == pytest.approx(100.0)
    assert measure(tables, country="KAZ", first_date="2022-02-24", last_date="2022-04-30") == pytest.approx(50.0)
    with pytest.raises(PipelineError, match="no known vote of KAZ"):
        measure(tables, country="KAZ", first_date="2025-01-01")


# --------------------------------------------------------------------------- ideal points


def test_move_towards_separates_a_countrys_own_move_from_the_reference_moving() -> None:
    # Russia comes down to Kazakhstan; Kazakhstan itself steps a little further away
    points = ideal({("KAZ", 2021): -0.5, ("KAZ", 2024): -0.6, ("RUS", 2021): 0.0, ("RUS", 2024): -0.55})
    moved = politics.who_moved(points, "KAZ", "RUS", 2021, 2024)
    assert moved["change"] < 0, "the distance shrank"
    assert politics.move_towards(points, "KAZ", "RUS", 2021, 2024) == pytest.approx(-0.1), "yet KAZ moved away"
    # the same step counts as towards when the reference stands on the other side
    mirrored = ideal({("KAZ", 2021): 0.5, ("KAZ", 2024): 0.4, ("RUS", 2021): 0.0, ("RUS", 2024): 0.0})
    assert politics.move_towards(mirrored, "KAZ", "RUS", 2021, 2024) == pytest.approx(0.1)
    measure = MEASURES["ideal_point_move_towards"]
    assert measure({"unga_ideal_points": points}, country="KAZ", reference="RUS", start=2021, end=2024) == (
        pytest.approx(-0.1)
    )
    with pytest.raises(PipelineError, match="2019 not in the table"):
        politics.move_towards(points, "KAZ", "RUS", 2019, 2024)


# --------------------------------------------------------------------------- wartime trade


def test_annual_index_compares_a_part_year_with_the_same_months() -> None:
    full = monthly("KAZ", {2019: 120.0, 2020: 120.0, 2021: 120.0, 2023: 240.0})
    assert sanctions_trade.annual_index(full, "KAZ", 2023) == pytest.approx(200.0)
    part = pd.concat([full, monthly("KAZ", {2024: 80.0}, months=4)], ignore_index=True)
    # four months at 20 a month against the base's 10 a month
    assert sanctions_trade.annual_index(part, "KAZ", 2024) == pytest.approx(200.0)
    gappy = full[full["period"] != "2020-03"]
    with pytest.raises(PipelineError, match="lack a month"):
        sanctions_trade.annual_index(gappy, "KAZ", 2023)
    with pytest.raises(PipelineError, match="no month of 2022"):
        sanctions_trade.annual_index(full, "KAZ", 2022)


def test_the_gateway_measures_compare_growth_never_levels() -> None:
    series = pd.concat(
        [
            monthly("KAZ", {2019: 10.0, 2020: 10.0, 2021: 10.0, 2023: 20.0}),
            monthly("RUS", {2019: 1000.0, 2020: 1000.0, 2021: 1000.0, 2023: 500.0}),
            pd.DataFrame(
                {
                    "partner_iso3": "RUS",
                    "frequency": "year",
                    "period": ["2023"],
                    "value_m": [9.0],
                    "index_2019_2021": 150.0,
                }
            ),
        ],
        ignore_index=True,
    )
    tables = {"sanctions_era_trade": series}
    # Russia's level is a hundred times Kazakhstan's; only the indices are set side by side
    assert MEASURES["eu_export_index_gap"](tables, partner="KAZ", versus="RUS", year=2023) == pytest.approx(150.0)
    assert MEASURES["eu_export_index_change"](tables, partner="KAZ", year=2023) == pytest.approx(100.0)
    assert MEASURES["own_exports_index_change"](tables, partner="RUS", year=2023) == pytest.approx(50.0)
    with pytest.raises(PipelineError, match="no yearly index"):
        MEASURES["own_exports_index_change"](tables, partner="RUS", year=2022)


def test_own_imports_change_needs_every_base_year() -> None:
    peer = pd.DataFrame(
        {
            "reporter_iso3": "KAZ",
            "year": [2019, 2020, 2021, 2023],
            "group": "EU-27",
            "imports_usd_m": [90.0, 100.0, 110.0, 150.0],
            "usable": True,
        }
    )
    measure = MEASURES["own_imports_change_pct"]
    assert measure({"peer_imports_by_partner": peer}, reporter="KAZ", group="EU-27", year=2023) == pytest.approx(50.0)
    with pytest.raises(PipelineError, match=r"\[2020\]"):
        measure({"peer_imports_by_partner": peer[peer["year"] != 2020]}, reporter="KAZ", group="EU-27", year=2023)


def test_a_consistency_test_is_marked_as_one_and_reads_at_most_consistent() -> None:
    from kzmv.analysis.claims import judge
    from kzmv.story.claims.presentation import verdict_text

    assert judge(5.0, 0, "greater_than", 10, test_kind="consistency") == "consistent"
    assert verdict_text("consistent", "consistency") == "consistent (a test of consistency, not proof)"
    assert verdict_text("contradicted", "consistency").startswith("contradicted (a test of consistency")
    assert verdict_text("supported", "direct") == "supported"
    assert verdict_text("not testable", "") == "not testable"
