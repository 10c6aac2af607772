"""Back matter: data and methods from the manifest, bibliography, downloads, citation metadata."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import kzmv
from kzmv.data.bibliography import load_bibliography
from kzmv.data.events import load_events
from kzmv.data.manifest import load_manifest
from kzmv.data.partners import GROUPS, load_groups
from kzmv.engine.render import _Renderer
from kzmv.errors import PipelineError
from kzmv.story import back_matter as methods

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def manifest():
    return load_manifest(ROOT / "data" / "sources.yml")


@pytest.fixture(scope="module")
def bibliography(manifest):
    return load_bibliography(ROOT / "data" / "bibliography.yml", manifest=manifest)


def rendered(markdown: str) -> str:
    """Markdown as the report renders what code displays: HTML switched off."""
    return _Renderer().markdown(markdown, trusted=False)


def test_md_escape_neutralises_markdown_and_html() -> None:
    assert methods.md_escape("a *b* [c](d) <e> #f_g|h") == r"a \*b\* \[c\](d) \<e\> \#f\_g\|h"
    html = rendered(methods.md_escape("**not bold** <script>x</script>"))
    assert "<strong>" not in html and "<script>" not in html


def test_every_source_has_exactly_one_publisher(bibliography, manifest) -> None:
    listed = [sid for p in bibliography.publishers for sid in p.sources]
    assert sorted(listed) == sorted(manifest)


def test_a_source_without_publisher_is_reported(tmp_path: Path, manifest) -> None:
    doc = yaml.safe_load((ROOT / "data" / "bibliography.yml").read_text(encoding="utf-8"))
    doc["publishers"][0]["sources"] = doc["publishers"][0]["sources"][1:]
    path = tmp_path / "bibliography.yml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(PipelineError, match="no publisher: trade_partner_panel"):
        load_bibliography(path, manifest=manifest)


def test_the_three_documents_are_described_from_their_text(bibliography) -> None:
    labels = {d.key: methods.source_label(d) for d in bibliography.documents}
    assert labels["avdaliani2023"].startswith("Emil Avdaliani, “Kazakhstan's Expanding Multi-Vector Foreign Policy”")
    assert "The Jamestown Foundation, 3 January 2023" in labels["avdaliani2023"]
    assert "Jason Wahlang" in labels["wahlang2023"] and "MP-IDSA" in labels["wahlang2023"]
    assert "27 April 2023" in labels["wahlang2023"]
    assert "not given in the copy" in labels["briefing2026"]


def test_data_and_methods_lists_every_source_with_licence_coverage_and_caveats(manifest, bibliography) -> None:
    markdown = methods.sources_markdown(manifest, bibliography)
    html = rendered(markdown)
    for source in manifest.values():
        assert f"`{source.id}`" in markdown
        for text in (source.publisher, source.licence, source.coverage, *source.caveats):
            assert methods.md_escape(text) in markdown
    assert not re.search(r"""href=["']https?://""", html), "web addresses are text, not links (self-contained)"


def test_bibliography_cites_every_file_and_links_nothing_outside(manifest, bibliography) -> None:
    markdown = methods.bibliography_markdown(bibliography, manifest)
    for source in manifest.values():
        assert methods.md_escape(source.citation) in markdown
    html = rendered(markdown)
    assert "Jamestown Foundation" in html and "Manohar Parrikar" in html
    assert not re.search(r"""href=["']https?://""", html)


def test_groups_are_listed_from_the_groups_file() -> None:
    markdown = methods.groups_markdown(load_groups(ROOT / "data" / "groups.csv"), GROUPS)
    assert "**Central Asia**: Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan." in markdown
    assert re.search(r"\*\*Other\*\*: the remaining \d+ partners", markdown)


def test_downloads_list_every_file_present_sorted_and_relative(tmp_path: Path) -> None:
    processed, figures = tmp_path / "data" / "processed", tmp_path / "figures"
    processed.mkdir(parents=True)
    figures.mkdir()
    for name in ("zeta.csv", "alpha.csv"):
        (processed / name).write_text("a\n1\n")
    for name in ("b_fig.svg", "b_fig.png", "a_fig.svg"):
        (figures / name).write_text("x")
    markdown = methods.downloads_markdown(processed, figures)
    links = re.findall(r"\]\(([^)]+)\)", markdown)
    assert links == [
        "../data/processed/alpha.csv",
        "../data/processed/zeta.csv",
        "../figures/a_fig.svg",
        "../figures/b_fig.svg",
        "../figures/b_fig.png",
    ]
    assert str(tmp_path) not in markdown


def test_figure_links_point_only_at_figures_that_exist() -> None:
    assert methods.figure_links(["a_b", "missing"], present={"a_b"}) == "[Figure](#fig-a_b)"
    assert methods.see_figures(["missing"], present=set()) == ""


def test_citation_cff_describes_the_project() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["version"] == kzmv.__version__ == "0.1.0"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{cff["version"]}"' in pyproject
    assert cff["type"] in ("software", "dataset")
    assert cff["authors"] == [{"name": "kzmv contributors"}]
    assert cff["license"] == "MIT"
    assert cff["title"] and cff["message"]


def test_timeline_events_come_from_all_three_documents_in_the_war_years() -> None:
    events = load_events(ROOT / "data" / "events.csv")
    war = events[events["date"].dt.year.between(2022, 2025)]
    assert set(war["source"]) == {"briefing paper 2025/26", "MP-IDSA 2023", "Jamestown 2023"}
