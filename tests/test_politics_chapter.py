"""The politics chapter's prose and vote grid: built from the numbers, escaped, and honest about gaps."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from kzmv.analysis import politics, vectors
from kzmv.data.loading import read_raw
from kzmv.data.partners import load_groups
from kzmv.story import back_matter
from kzmv.story import politics_chapter as chapter


def _ideal(kaz: tuple[float, float], rus: tuple[float, float]) -> pd.DataFrame:
    rows = []
    for iso3, name, values in (
        ("KAZ", "Kazakhstan", kaz),
        ("RUS", "Russia", rus),
        ("CHN", "China", (-0.4, -0.9)),
        ("USA", "United States", (2.5, 2.2)),
    ):
        years = (politics.PRE_WAR_YEAR, politics.PRE_WAR_YEAR + 1, politics.PRE_WAR_YEAR + 3)
        for year, v in zip(years, (values[0], values[1], values[1]), strict=True):
            rows.append((iso3, name, 1, year, v, v - 0.2, v + 0.2, 80))
    return pd.DataFrame(rows, columns=politics.IDEAL_POINT_COLUMNS)


def test_the_shrinking_distance_says_who_moved() -> None:
    last = politics.PRE_WAR_YEAR + 3
    russia_moved = chapter.shrinking_distance_paragraph(_ideal((-0.5, -0.5), (0.0, -0.6)), "KAZ", "RUS", last)
    assert "narrowed because Russia moved, not Kazakhstan" in russia_moved
    assert "0.50 to 0.10" in russia_moved and "not that Kazakhstan moved closer to Russia" in russia_moved
    kazakhstan_moved = chapter.shrinking_distance_paragraph(_ideal((0.5, -0.05), (0.0, 0.0)), "KAZ", "RUS", last)
    assert "Kazakhstan moved more than Russia" in kazakhstan_moved


def test_the_voting_paragraph_reads_the_bands() -> None:
    ideal = _ideal((-0.5, -0.5), (0.0, -0.6))
    text = chapter.voting_paragraph(
        ideal, politics.distances(ideal), politics.PRE_WAR_YEAR, politics.PRE_WAR_YEAR + 3, "KAZ"
    )
    assert "closest to Russia, so close that the two 5–95% posterior bands overlap" in text
    assert "the United States' 2.20" in text and "2.70 from the United States" in text


VOTES = pd.DataFrame(
    {
        "resolution": ["ES-11/1", "ES-11/1"],
        "date": ["2022-03-02", "2022-03-02"],
        "short_title": ["Aggression <against> Ukraine", "Aggression <against> Ukraine"],
        "country_iso3": ["KAZ", "RUS"],
        "country": ["Kazakhstan", "Russia <script>"],
        "vote": ["abstain", "no"],
        "source_url": ['https://example.org/"onmouseover="x', "https://example.org/b"],
        "source_date": ["2022-03-03", "not shown on page"],
        "note": [None, "INFERRED: lists"],
    }
)


def test_the_vote_grid_escapes_data_and_links_each_vote_to_its_source() -> None:
    grid = politics.tidy_ukraine_votes(VOTES, ["KAZ", "RUS", "USA"], {"KAZ": "Kazakhstan"})
    markup = chapter.vote_grid_html(grid, "KAZ")
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert '"onmouseover' not in markup and "&quot;onmouseover" in markup
    assert '<a href="#vote-source-1" title="source 1">abstain</a>' in markup
    assert '<a href="#vote-source-2" title="source 2">no*</a>' in markup, "the inferred vote is marked"
    assert re.search(r'title="no page seen">\?</td>', markup), "an unknown vote links nowhere"
    assert markup.count('<li id="vote-source-') == 2 and "<strong>Kazakhstan</strong>" in markup
    assert "Mar 2022" in markup
    assert not re.search(r"""href=["']https?://""", markup), "the report links only within itself"


def test_the_votes_paragraph_counts_known_and_unknown() -> None:
    grid = politics.tidy_ukraine_votes(read_raw("unga_ukraine_votes"), ["KAZ", "RUS", "CHN", "USA"], {})
    text = chapter.votes_paragraph(grid, "KAZ")
    assert "Its vote is known on 6 of the 7 numbered resolutions" in text
    assert "voted in favour of none of them; it voted against ES-11/3" in text
    assert "China did on 8 of 9" in text
    unknown = int((grid["vote"] == "unknown").sum())
    assert f"{unknown} of the {len(grid)} cells of the grid are unknown" in text


def test_the_data_note_states_each_rule_with_its_count() -> None:
    raw = {sid: read_raw(sid) for sid in chapter.CHAPTER_SOURCES}
    from kzmv.analysis import sanctions_trade

    peer = sanctions_trade.tidy_peer_imports(raw["peer_imports_national"], load_groups())
    text = chapter.data_rules(raw, 0.0, peer, 400)
    for expected in (
        "YAR stands for two states",
        "17 stub rows",
        "ends in 2023 and the final-passage one in 2024",
        "the 11 lines of notes",
        "Of its 25,024 deal-year rows",
        "(400 rows, no deal detail)",
        "(to the euro)",
        "from 2019-01 to 2020-01",
        "21 rows of China's outward file have no scale",
        "54 rows have neither a year nor a value",
        "Armenia's 2023 file covers part of the year only",
    ):
        assert expected in text, expected


def test_the_ledgers_paragraph_never_claims_proof() -> None:
    faster = {"KGZ": {"own_ratio": 3.3, "eu_ratio": 10.4}}
    alike = {"KGZ": {"own_ratio": 2.0, "eu_ratio": 1.9}}
    text = chapter.ledgers_paragraph(faster, {"KGZ": "Kyrgyzstan"}, 2021, 2023)
    assert "cannot tell re-exports from the rest" in text and "cannot choose between them" in text
    assert "the importer records less than arrives" in text and "China's larger record" in text, "both readings"
    assert "Kyrgyzstan 3.3-fold against 10.4-fold" in text
    assert "The two ledgers grew alike." in chapter.ledgers_paragraph(alike, {"KGZ": "Kyrgyzstan"}, 2021, 2023)


def test_the_scorecard_paragraph_and_table_show_missing_as_missing() -> None:
    rows = [
        vectors.share_lead("KAZ", "Kazakhstan", "arms", pd.Series({"Russia": 88.0, "EU-27": 9.0}), "2020–2024", "m"),
        vectors.share_lead("KAZ", "Kazakhstan", "exports", pd.Series({"EU-27": 47.0, "China": 18.0}), "2024", "m"),
        vectors.missing("KAZ", "Kazakhstan", "investment", "no partner data"),
        vectors.missing("UZB", "Uzbekistan", "arms", "none"),
    ]
    table = vectors.scorecard(rows, ["KAZ", "UZB"])
    text = chapter.scorecard_paragraph(table, "KAZ")
    assert "arms (2020–2024): Russia with 88%, 79 points ahead of EU-27" in text
    assert "investment: no data" in text and "Russia leads 1 of the 2 vectors" in text
    assert "One partner holds more than half in arms (Russia)" in text
    shown = chapter.scorecard_display(table).set_index("country")
    assert shown.loc["Kazakhstan", "investment"] == "—" and shown.loc["Uzbekistan", "arms (2020–2024)"] == "—"
    assert shown.loc["Kazakhstan", "arms (2020–2024)"] == "Russia 88% (+79 pp on EU-27)"
    assert shown.loc["Kazakhstan", "exports (2024)"] == "EU-27 47% (+29 pp on China)", "Russia absent: not shown"


def test_downloads_say_which_tables_are_extracts_under_their_licence(tmp_path: Path) -> None:
    processed, figures = tmp_path / "processed", tmp_path / "figures"
    processed.mkdir()
    figures.mkdir()
    for name in ("arms_imports_by_supplier.csv", "trade_by_group.csv"):
        (processed / name).write_text("a\n1\n")
    markdown = back_matter.downloads_markdown(processed, figures)
    arms = next(line for line in markdown.splitlines() if "arms_imports_by_supplier" in line)
    assert "SIPRI" in arms and "not the register" in arms
    trade = next(line for line in markdown.splitlines() if "trade_by_group" in line)
    assert trade.endswith("(../data/processed/trade_by_group.csv)"), "no note where the licence needs none"
    assert "may not be republished whole" in markdown
    plain = back_matter.downloads_markdown(processed, figures, notes={})
    assert "may not be republished whole" not in plain


def test_the_wiiw_check_names_only_the_years_that_share_a_factor() -> None:
    ratios = pd.DataFrame({"factor": [1.1, 1.12, 1.227], "spread": [0.5, 1e-9, 1e-9]}, index=[2015, 2019, 2020])
    text = chapter.wiiw_check_paragraph(ratios)
    assert "2019 (1.120) and 2020 (1.227)" in text and "In 2015 the ratios differ" in text
    assert "do not share" in chapter.wiiw_check_paragraph(ratios.assign(spread=1.0))


def test_the_ideal_points_words_name_who_moved_with_signed_moves() -> None:
    ideal = _ideal((-0.5, -0.5), (0.0, -0.6))  # Russia moved towards Kazakhstan, Kazakhstan stayed
    last = politics.PRE_WAR_YEAR + 3
    dist = politics.distances(ideal, list(politics.REFERENCES))
    text = chapter.ideal_points_text(ideal, dist, politics.PRE_WAR_YEAR, last)
    assert text.title.startswith(f"In {last} Kazakhstan voted closer to Russia than to the other poles")
    assert "narrowed" in text.title and "mainly because Russia's position moved" in text.title
    assert "Kazakhstan moved by +0.00 and Russia by −0.60." in text.alt, "signed, with a minus sign"


def test_the_wartime_trade_title_sets_russia_against_kazakhstan_and_the_fastest_neighbour() -> None:
    series = pd.DataFrame(
        {"partner_iso3": ["RUS", "KAZ", "KGZ"], "partner": ["Russia", "Kazakhstan", "Kyrgyzstan"],
         "frequency": ["month"] * 3, "period": ["2019-01", "2023-12", "2023-12"]}
    )  # fmt: skip
    text = chapter.gateway_text(series, {"RUS": 42.0, "KAZ": 150.0, "KGZ": 325.0}, 2023)
    assert text.title == (
        "In 2023 EU exports to Russia were 42% of their 2019–2021 average, while those to Kazakhstan were 1.5 "
        "times theirs and those to Kyrgyzstan 3.2 times"
    )
    assert "2019–2021 average" in text.subtitle and "2021 level" not in text.title, "one base for the whole figure"
    assert "Russia 42; Kazakhstan 150; Kyrgyzstan 325." in text.alt
