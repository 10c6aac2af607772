"""UN voting: ideal points, distances, who moved, and the Ukraine votes grid."""

from __future__ import annotations

import pandas as pd
import pytest

from kzmv.analysis import politics
from kzmv.data.loading import read_raw
from kzmv.errors import PipelineError


def _raw(rows: list[tuple]) -> pd.DataFrame:
    """A Voeten-shaped frame: (ccode, iso3c, name, year, fp, q5, q95)."""
    frame = pd.DataFrame(rows, columns=["ccode", "iso3c", "countryname", "year", "idealpointfp", "q5fp", "q95fp"])
    frame["nvotesfp"] = 80.0
    frame["year"] = frame["year"].astype("Int64")
    return frame


TOY = _raw(
    [
        (705, "KAZ", "Kazakhstan", 2021, -0.5, -0.7, -0.3),
        (705, "KAZ", "Kazakhstan", 2024, -0.5, -0.7, -0.3),
        (365, "RUS", "Russia", 2021, 0.0, -0.1, 0.1),
        (365, "RUS", "Russia", 2024, -0.6, -0.75, -0.45),
        (710, "CHN", "China", 2021, -0.4, -0.6, -0.2),
        (710, "CHN", "China", 2024, -0.9, -1.1, -0.7),
        (2, "USA", "United States", 2021, 2.5, 2.3, 2.7),
        (2, "USA", "United States", 2024, 2.2, 2.0, 2.4),
    ]
)


def test_distance_shrinks_because_the_other_country_moved() -> None:
    ideal = politics.tidy_ideal_points(TOY, ["KAZ", "RUS", "CHN", "USA"], 2021, 2024)
    moved = politics.who_moved(ideal, "KAZ", "RUS", 2021, 2024)
    assert moved["distance_start"] == pytest.approx(0.5) and moved["distance_end"] == pytest.approx(0.1)
    assert moved["moved_self"] == pytest.approx(0.0) and moved["moved_reference"] == pytest.approx(-0.6)
    table = politics.moves(ideal, ["KAZ", "CHN"], "RUS", 2021, 2024)
    assert table["reference_moved_more"].tolist() == [True, True]
    assert table["change"].round(6).tolist() == [-0.4, -0.1]


def test_distances_and_band_overlap() -> None:
    ideal = politics.tidy_ideal_points(TOY, ["KAZ", "RUS", "CHN", "USA"], 2021, 2024)
    dist = politics.distances(ideal)
    kaz = dist[(dist["iso3"] == "KAZ") & (dist["year"] == 2024)].set_index("reference_iso3")
    assert kaz["distance"].to_dict() == pytest.approx({"RUS": 0.1, "CHN": 0.4, "USA": 2.7})
    assert kaz["bands_overlap"].tolist() == [True, True, False]
    assert not ((dist["iso3"] == "RUS") & (dist["reference_iso3"] == "RUS")).any(), "no distance to itself"
    assert politics.closest_reference(dist, "KAZ", 2024, politics.REFERENCES).index.tolist() == ["RUS", "CHN", "USA"]
    assert not politics.change_is_real(ideal, "KAZ", 2021, 2024)
    assert politics.change_is_real(ideal, "RUS", 2021, 2024)


def test_a_shared_code_and_a_missing_country_are_refused() -> None:
    yemens = _raw(
        [(678, "YAR", "Yemen Arab Republic", 1980, 0.1, 0, 0.2), (680, "YAR", "Yemen PDR", 1980, -1, -1.2, -0.8)]
    )
    with pytest.raises(PipelineError, match=r"YAR 1980 belongs to two states"):
        politics.tidy_ideal_points(yemens, ["YAR"], 1970, 1990)
    with pytest.raises(PipelineError, match=r"no estimate for XKX"):
        politics.tidy_ideal_points(TOY, ["KAZ", "XKX"], 2021, 2024)


def test_real_distances_match_the_provenance_table() -> None:
    """The provenance file's KAZ-RUS/CHN/USA distances (computed there from the same file)."""
    raw = read_raw("unga_ideal_points_voeten")
    ideal = politics.tidy_ideal_points(raw, ["KAZ", "RUS", "CHN", "USA"], 1992, 2024)
    dist = politics.distances(ideal)
    table = dist[dist["iso3"] == "KAZ"].pivot(index="year", columns="reference_iso3", values="distance").round(3)
    assert table.loc[2000].to_dict() == {"CHN": 1.103, "RUS": 0.198, "USA": 2.173}
    assert table.loc[2022].to_dict() == {"CHN": 0.435, "RUS": 0.107, "USA": 3.062}
    assert table.loc[2024].to_dict() == {"CHN": 0.348, "RUS": 0.093, "USA": 2.712}
    kaz = ideal[ideal["iso3"] == "KAZ"].set_index("year")
    assert kaz.loc[2024, ["lower_5", "upper_95"]].round(3).tolist() == [-0.704, -0.315]
    assert politics.change_is_real(ideal, "KAZ", 2021, 2022) and not politics.change_is_real(ideal, "KAZ", 2014, 2024)
    assert str(kaz.loc[2021, "ideal_point"]) == "-0.474757", "six decimals, no single-precision noise"


VOTES = pd.DataFrame(
    {
        "resolution": ["ES-11/1", "ES-11/1", "ES-11/3", "ES-11/3", "68/262"],
        "date": ["2022-03-02", "2022-03-02", "2022-04-07", "2022-04-07", "2014-03-27"],
        "short_title": ["A", "A", "B", "B", "C"],
        "country_iso3": ["KAZ", "RUS", "KAZ", "USA", "RUS"],
        "country": ["Kazakhstan", "Russian Federation", "Kazakhstan", "United States", "Russian Federation"],
        "vote": ["abstain", "no", "no", "yes", "no"],
        "source_url": ["https://a", "https://a", "https://b", "https://c", "https://a"],
        "source_date": ["d"] * 5,
        "note": [
            None,
            "CONFLICT: two pages differ",
            None,
            'forum post listing "USA; for" (weak source)',
            "INFERRED: x",
        ],
    }
)


def test_the_grid_fills_gaps_with_unknown_and_numbers_sources() -> None:
    grid = politics.tidy_ukraine_votes(VOTES, ["KAZ", "RUS", "USA"], {"RUS": "Russia"})
    assert grid["resolution"].drop_duplicates().tolist() == ["68/262", "ES-11/1", "ES-11/3"], "date order"
    assert len(grid) == 9
    cell = grid.set_index(["resolution", "country_iso3"])
    assert (
        cell.loc[("68/262", "KAZ"), "vote"] == "unknown" and cell.loc[("68/262", "KAZ"), "basis"] == politics.BASIS_NONE
    )
    assert pd.isna(cell.loc[("68/262", "KAZ"), "source_no"])
    assert cell.loc[("68/262", "RUS"), "basis"] == politics.BASIS_INFERRED
    assert cell.loc[("ES-11/1", "RUS"), "basis"] == politics.BASIS_CONFLICT
    assert cell.loc[("ES-11/3", "USA"), "basis"] == politics.BASIS_WEAK
    assert cell.loc[("ES-11/1", "KAZ"), "basis"] == politics.BASIS_STATED
    assert cell["source_no"].dropna().astype(int).tolist() == [1, 1, 1, 2, 3], "numbered in order of first use"
    assert set(grid.loc[grid["country_iso3"] == "RUS", "country"]) == {"Russia"}, "the chapter's names win"
    counts = politics.vote_counts(grid)
    assert counts.loc["KAZ"].to_dict() == {"yes": 0, "no": 1, "abstain": 1, "absent": 0, "unknown": 1}
    assert politics.agreement(grid, "KAZ", "RUS") == {"same": 0, "compared": 1}, "unknowns are left out"


def test_real_grid_matches_the_provenance_counts() -> None:
    raw = read_raw("unga_ukraine_votes")
    countries = sorted(raw["country_iso3"].unique())
    grid = politics.tidy_ukraine_votes(raw, countries, {})
    assert len(grid) == 165 and int((grid["vote"] != "unknown").sum()) == 132
    assert int((grid["basis"] == politics.BASIS_INFERRED).sum()) == 5
    assert int((grid["basis"] == politics.BASIS_CONFLICT).sum()) == 2
    assert int((grid["basis"] == politics.BASIS_WEAK).sum()) == 3
    kaz = politics.votes_of(grid, "KAZ")
    assert kaz["ES-11/3"] == "no" and kaz["ES-11/7"] == "unknown"
    assert not (kaz[kaz.index.str.startswith("ES-11/")] == "yes").any(), "never in favour of an ES-11 text"


def test_series_use_the_final_passage_estimate_not_the_all_votes_one() -> None:
    """idealpointall stops in 2023; a series mixing it with idealpointfp would break in 2024."""
    raw = TOY.assign(idealpointall=TOY["idealpointfp"] + 5)
    ideal = politics.tidy_ideal_points(raw, ["KAZ"], 2021, 2024)
    assert ideal["ideal_point"].tolist() == [-0.5, -0.5]
    real = read_raw("unga_ideal_points_voeten")
    assert real.loc[real["year"] == 2024, "idealpointall"].isna().all()
    assert politics.tidy_ideal_points(real, ["KAZ"], 2024, 2024)["ideal_point"].notna().all()


def test_country_names_take_the_latest_spelling_and_skip_stubs() -> None:
    raw = _raw([(365, "RUS", "Soviet Union", 1990, 0, 0, 0), (365, "RUS", "Russia", 2024, 0, 0, 0)])
    stub = _raw([(260, None, None, 1990, 0, 0, 0)])
    assert politics.country_names(pd.concat([raw, stub])) == {"RUS": "Russia"}
