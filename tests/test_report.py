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


def _shows(text: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("say(...)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": text})]
    return cell


def _records() -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"application/vnd.kzmv.record+json": {"name": "x", "value": 1}})
    ]
    return cell


def test_code_is_hidden_by_default_and_records_are_not_shown() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [_records()]
    html = "".join(notebook_sections(nb, _Renderer(), "x"))
    assert html.startswith('<div class="code-cell">') and "x = 1" in html and "vnd.kzmv" not in html


def test_a_lead_into_code_that_shows_nothing_goes_with_the_code() -> None:
    """'The parameters are checked first' describes hidden code: shown with it, never in the prose."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Chapter\n\nThe chapter's opening."),
        nbformat.v4.new_markdown_cell("The parameters are checked first."),
        _records(),
        nbformat.v4.new_markdown_cell("The finding, in a sentence:"),
        _shows("Trade grew."),
    ]
    blocks = notebook_sections(nb, _Renderer(), "x")
    prose = [b for b in blocks if b.startswith('<div class="prose">')]
    assert "The parameters are checked first" not in "".join(prose)
    code = next(b for b in blocks if b.startswith('<div class="code-cell">'))
    assert code.startswith('<div class="code-cell"><div class="code-lead"><p>The parameters are checked first.</p>')
    assert any("The finding, in a sentence:" in b for b in prose), "a lead into something shown stays in the prose"


def test_a_heading_that_ends_in_a_colon_before_silent_code_stops_the_render() -> None:
    import pytest

    from kzmv.errors import PipelineError

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## Data\n\nThe files are read as follows:"), _records()]
    with pytest.raises(
        PipelineError, match=r"^notebook 01_x: the Markdown cell ending 'The files are read as follows:'"
    ):
        notebook_sections(nb, _Renderer(), "01_x")
    nb.cells[0].source = "## Data\n\nThe files are read and checked."
    assert notebook_sections(nb, _Renderer(), "01_x")[0].startswith('<div class="prose"><h3')


def test_a_chapter_has_one_code_switch_before_its_code() -> None:
    from kzmv.engine.render import with_code_switch

    blocks = ['<div class="prose"><h2>T</h2></div>', '<div class="code-cell">a</div>', "<p>out</p>"]
    switched = with_code_switch(blocks, "nb-x", "T")
    assert switched[0] == blocks[0] and switched[1].startswith(
        '<input type="checkbox" class="code-switch" id="code-nb-x">'
    )
    assert switched[2:] == blocks[1:], "the code cells follow the switch as its siblings"
    assert "".join(switched).count('class="code-switch"') == 1
    assert with_code_switch(["<p>no code</p>"], "nb-y", "") == ["<p>no code</p>"], "no code, no switch"


def test_figure_links_in_displayed_html_read_figure_n() -> None:
    import pytest

    from kzmv.errors import PipelineError

    r = _Renderer({"a_chart": 1, "b_chart": 2})
    r.notebook = "03_narrative"
    markup = '<td><a href="#fig-b_chart">Figure</a>, <a href="#fig-a_chart">the first</a></td>'
    assert r.number_html_figure_links(markup) == (
        '<td><a href="#fig-b_chart">Figure 2</a>, <a href="#fig-a_chart">the first</a></td>'
    )
    with pytest.raises(PipelineError, match=r"the link #fig-nope names no figure"):
        r.number_html_figure_links('<a href="#fig-nope">Figure</a>')


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


def test_conclusion_cells_close_the_main_text() -> None:
    """Cells tagged ``conclusion`` are read after the evidence, before the appendix part, as a chapter of their own."""
    from kzmv.engine.pipeline import Pipeline
    from kzmv.engine.render import reading_layout

    steps = [{"name": n, "path": f"{n}.ipynb", "title": n} for n in ("story", "trade", "prep")]
    order = [
        {"part": "Argument", "notebooks": ["story"]},
        {"part": "Evidence", "notebooks": ["trade"]},
        {"part": "Appendix", "notebooks": ["prep"]},
    ]
    pipeline = Pipeline.model_validate({"report": {}, "reading_order": order, "notebooks": steps})
    story, trade, prep = (nbformat.v4.new_notebook() for _ in range(3))
    conclusion = nbformat.v4.new_markdown_cell("## What the data add up to", metadata={"tags": ["conclusion"]})
    story.cells = [nbformat.v4.new_markdown_cell("# Story"), conclusion]
    trade.cells, prep.cells = [nbformat.v4.new_markdown_cell("# Trade")], [nbformat.v4.new_markdown_cell("# Prep")]
    layout = reading_layout(pipeline, {"story": story, "trade": trade, "prep": prep})
    assert [(t, [s[0] for s in sections]) for t, sections in layout] == [
        ("Argument", ["nb-story"]),
        ("Evidence", ["nb-trade", "nb-story-conclusion"]),
        ("Appendix", ["nb-prep"]),
    ]
    assert layout[1][1][1][2] == [conclusion] and conclusion not in layout[0][1][0][2]


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


def test_a_figures_numbers_read_in_words_units_and_the_texts_rounding() -> None:
    """Headers from the data dictionary with units; numbers rounded per unit, per row where the row names it."""
    from kzmv.engine.figure_panel import column_label, columns_for, reading_rows

    dictionary = {
        "t": {
            "columns": {
                "year": {"type": "integer", "unit": "year"},
                "partner_iso3": {"type": "string", "unit": "ISO 3166-1 alpha-3"},
                "exports_usd_m": {"type": "float", "unit": "USD million"},
                "exports_share": {"type": "float", "unit": "percent"},
                "gap_pp": {"type": "float", "unit": "percentage points"},
                "value": {"type": "float", "unit": "see unit"},
                "unit": {"type": "string"},
                "n_sources": {"type": "integer"},
                "effective_number": {"type": "float", "unit": "count", "label": "Equal-sized partners"},
                "bands_overlap": {"type": "boolean"},
            }
        }
    }
    header = list(dictionary["t"]["columns"])
    columns = columns_for("t", header, dictionary)
    assert [c.label for c in columns] == [
        "Year",
        "Partner code",
        "Exports (USD million)",
        "Share of exports (%)",
        "Gap (percentage points)",
        "Value",
        "Unit",
        "Number of sources",
        "Equal-sized partners",
        "Bands overlap",
    ]
    body = [
        ["2024", "NLD", "5682.609", "18.23361447", "-7.097", "28.04", "USD billion", "2", "7.3336", "True"],
        ["2023", "CHN", "386.979", "5", "", "45.61", "percent", "1", "12", "False"],
    ]
    assert reading_rows(columns, body) == [
        ["2024", "NLD", "5,683", "18.2", "\u22127.1", "28.0", "USD billion", "2", "7.3", "yes"],
        ["2023", "CHN", "387", "5.0", "—", "45.6", "percent", "1", "12.0", "no"],
    ]
    assert column_label("tiv_m", {"unit": "million TIV"}) == "TIV (million TIV)"
    assert column_label("value_min", {"unit": "million tonnes"}) == "Lowest value (million tonnes)"
    assert column_label("hhi", {"unit": "index, 0-1"}) == "HHI (index, 0-1)"


def test_a_figures_rows_follow_the_chart(tmp_path: Path) -> None:
    """A ranking declared largest first is listed largest first; the CSV and the table share the order."""
    from kzmv.engine.figure_panel import FigureInfo, figure_data

    (tmp_path / "t.csv").write_text("year,iso3,v\n2024,CHN,3\n2024,DEU,1\n2024,RUS,2\n2023,CHN,9\n")
    info = FigureInfo.from_output(_figure_cell("c").outputs[0], "01_trade")
    assert info is not None
    ranked = FigureInfo(**{**info.__dict__, "rows": {"iso3": ["CHN", "RUS", "DEU"], "year": [2024]}})
    assert figure_data(ranked, tmp_path)[1] == [["2024", "CHN", "3"], ["2024", "RUS", "2"], ["2024", "DEU", "1"]]
    by_year = FigureInfo(**{**ranked.__dict__, "rows": {"iso3": ["RUS", "CHN"], "year": [2023, 2024]}})
    by_year = FigureInfo(**{**by_year.__dict__, "order": ("year", "iso3")})
    assert figure_data(by_year, tmp_path)[1] == [["2023", "CHN", "9"], ["2024", "RUS", "2"], ["2024", "CHN", "3"]]
