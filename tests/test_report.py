"""The HTML report: self-contained, navigable, and safe with data strings."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from kzmv.engine.render import _Renderer, notebook_sections

ROOT = Path(__file__).resolve().parents[1]


def test_data_strings_in_displayed_markdown_are_escaped() -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("say(...)")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": "Partner <script>alert(1)</script> & co"})
    ]
    nb.cells = [cell]
    html = "".join(notebook_sections(nb, _Renderer(), "x"))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_headings_get_unique_stable_anchors() -> None:
    r = _Renderer()
    r.markdown("# Trade\n\n## Data\n", trusted=True)
    r.markdown("## Data\n", trusted=True)
    assert [h.anchor for h in r.headings] == ["trade", "data", "data-2"]


def test_code_is_hidden_by_default_and_records_are_not_shown() -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"application/vnd.kzmv.record+json": {"name": "x", "value": 1}})
    ]
    nb.cells = [cell]
    html = "".join(notebook_sections(nb, _Renderer(), "x"))
    assert '<details class="code"><summary>Show code</summary>' in html and "vnd.kzmv" not in html


def test_published_report_is_self_contained_and_its_toc_links_resolve() -> None:
    page = (ROOT / "report" / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']https?://""", page), "no network resources"
    assert "<script" not in page
    ids = set(re.findall(r'id="([^"]+)"', page))
    toc = page[page.index('<nav class="toc"') : page.index("</nav>")]
    targets = re.findall(r'href="#([^"]+)"', toc)
    assert targets and all(t in ids for t in targets)
    figures = re.findall(r"<figure class=\"kzmv-figure\"[^>]*>(.*?)</figure>", page, re.S)
    assert figures and all(
        'alt="' in f and "data:image/svg+xml;charset=utf-8," in f and re.search(r"Sources?:", f) for f in figures
    )


def test_report_stays_under_five_megabytes() -> None:
    """One file readers can e-mail: the README promises under 5 MB."""
    assert (ROOT / "report" / "index.html").stat().st_size < 5_000_000, "with every figure's downloads inside"


def _figure_cell(name: str, table: str | None = "t") -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("chart()")
    meta = {
        "figure": name,
        "alt": "a",
        "title": "T",
        "subtitle": "s",
        "source": "Source: x",
        "note": "",
        "table": table,
    }
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": "<figure></figure>"}, metadata={"kzmv": meta})
    ]
    return cell


def test_figure_links_read_figure_n_and_a_missing_one_stops_the_render() -> None:
    import pytest

    from kzmv.errors import PipelineError

    r = _Renderer({"a_chart": 1, "b_chart": 2})
    r.notebook = "03_narrative"
    html = r.markdown("See [Figure](#fig-b_chart) and [the first](#fig-a_chart).", trusted=False)
    assert '<a href="#fig-b_chart">Figure 2</a>' in html and '<a href="#fig-a_chart">the first</a>' in html
    with pytest.raises(PipelineError, match=r"^notebook 03_narrative: the link #fig-nope names no figure"):
        r.markdown("[Figure](#fig-nope)", trusted=True)


def test_reading_order_numbers_figures_and_moves_appendix_cells() -> None:
    from kzmv.engine.pipeline import Pipeline
    from kzmv.engine.render import figure_order, reading_layout

    steps = [{"name": n, "path": f"{n}.ipynb", "title": n} for n in ("prep", "story")]
    order = [{"part": "Argument", "notebooks": ["story"]}, {"part": "Appendix", "notebooks": ["prep"]}]
    pipeline = Pipeline.model_validate({"report": {}, "reading_order": order, "notebooks": steps})
    prep, story = nbformat.v4.new_notebook(), nbformat.v4.new_notebook()
    prep.cells = [_figure_cell("prep_chart")]
    back = nbformat.v4.new_markdown_cell("## Bibliography", metadata={"tags": ["appendix"]})
    story.cells = [nbformat.v4.new_markdown_cell("# Story"), _figure_cell("story_chart"), back]
    layout = reading_layout(pipeline, {"prep": prep, "story": story})
    assert [(t, [s[0] for s in sections]) for t, sections in layout] == [
        ("Argument", ["nb-story"]),
        ("Appendix", ["nb-prep", "nb-story-appendix"]),
    ]
    assert figure_order(layout) == {"story_chart": 1, "prep_chart": 2}


def test_a_figure_without_its_table_is_one_line(tmp_path: Path) -> None:
    import pytest

    from kzmv.engine.figure_panel import FigureInfo, figure_data
    from kzmv.errors import PipelineError

    (tmp_path / "t.csv").write_text("year,value\n2020,1\n2021,\n")
    info = FigureInfo.from_output(_figure_cell("c").outputs[0], "01_trade")
    assert info is not None
    assert figure_data(info, tmp_path) == (["year", "value"], [["2020", "1"], ["2021", ""]])
    cut = FigureInfo(**{**info.__dict__, "rows": {"year": [2021]}, "columns": ["value"]})
    assert figure_data(cut, tmp_path) == (["value"], [[""]]), "a missing value stays missing"
    for bad, message in [
        ({"table": None}, r"no processed table holds its numbers; pass table="),
        ({"table": "nope"}, r"data/processed/nope.csv does not exist"),
        ({"columns": ["colour"]}, r"has no column 'colour'"),
        ({"rows": {"year": [1990]}}, r"the rows it selects .* are empty"),
    ]:
        with pytest.raises(PipelineError, match=message):
            figure_data(FigureInfo(**{**info.__dict__, **bad}), tmp_path)
