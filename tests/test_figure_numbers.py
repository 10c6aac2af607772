"""A figure's numbers in the report are the numbers it draws, nothing near them.

The report gives each figure a table of its numbers and a CSV download, cut from
the processed tables the figure declares (``Chart(..., table=...)`` or, for a
figure whose panels draw from different tables, ``panels=[...]``). A declaration
can name the nearest table rather than what is drawn; these tests catch that for
the trade chapter's two charts that drew what no table held:

1. the new tables against the raw files, recomputed with plain pandas;
2. each chart drawn as the notebook draws it: the rows its declaration selects
   are the points and lines on its axes, one row per point, the same values;
3. the committed report offers those very rows as the figure's CSV downloads;
4. the panel machinery itself: one numbers table and one CSV per panel, and a
   declaration that is ambiguous stops with one line.
"""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from conftest import run_folder
from matplotlib.colors import to_hex
from matplotlib.text import Annotation

from kzmv.analysis import periods, trade
from kzmv.data import events, tables
from kzmv.data.loading import read_raw
from kzmv.engine.figure_panel import FigureInfo, TableCut, figure_data, panel_html
from kzmv.engine.pipeline import load_pipeline
from kzmv.errors import PipelineError
from kzmv.figures import style
from kzmv.figures import trade as trade_figures
from kzmv.story import trade_chapter

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
PROCESSED = ROOT / "data" / "processed"
needs_raw = pytest.mark.skipif(not RAW.is_dir(), reason="the raw files are not fetched (make data)")


def _defaults() -> dict[str, Any]:
    """01_trade's parameters as `make report` runs it (the committed report's)."""
    step = load_pipeline(ROOT / "pipeline.yml").step("01_trade")
    return {name: spec.default for name, spec in step.parameters.items()}


# --- 1. the tables against the raw files, with plain pandas ----------------------------------------


@needs_raw
def test_monthly_totals_are_the_raw_file_in_usd_million() -> None:
    raw = pd.read_csv(RAW / "trade" / "kaz_trade_total_monthly_bns_2019_2026.csv")
    expected = pd.DataFrame(
        {
            "month": raw["month"].str[:7],
            "year": raw["month"].str[:4].astype("int64"),
            "exports_usd_m": raw["exports_usd_thousand"] / 1000,
            "imports_usd_m": raw["imports_usd_thousand"] / 1000,
        }
    )
    expected = expected.sort_values("month").reset_index(drop=True)
    written = pd.read_csv(PROCESSED / "trade_monthly_totals.csv")
    assert len(written) == len(raw), "every month of the raw file, none added"
    pd.testing.assert_frame_equal(written, expected, rtol=1e-9)  # written to ten significant digits


def test_a_missing_month_stays_empty_in_the_written_table(tmp_path: Path) -> None:
    raw = pd.DataFrame(
        {
            "month": ["2020-02-01", "2020-01-01"],
            "exports_usd_thousand": [2500.0, None],
            "imports_usd_thousand": [1.0, 2.0],
        }
    )
    tables.write_table(trade.monthly_table(trade.monthly_totals(raw)), "trade_monthly_totals", tmp_path)
    written = (tmp_path / "trade_monthly_totals.csv").read_text()
    assert written == "month,year,exports_usd_m,imports_usd_m\n2020-01,2020,,0.002\n2020-02,2020,2.5,0.001\n"


@needs_raw
def test_dependence_points_are_the_shares_of_the_raw_panel() -> None:
    params = _defaults()
    year, n, flow = params["focus_year"], params["top_n"], params["flow"]
    panel = pd.read_csv(RAW / "trade" / "kaz_trade_by_partner_2000_2025_wits_bns_panel.csv")
    panel = panel.merge(pd.read_csv(ROOT / "data" / "groups.csv"), on="iso3", how="left")
    assert panel["group"].notna().all(), "every partner of the panel is in data/groups.csv"
    panel["turnover_usd_million"] = panel["exports_usd_million"] + panel["imports_usd_million"]
    one = panel[panel["year"] == year]
    exports, imports = one["exports_usd_million"].sum(), one["imports_usd_million"].sum()
    ranked = one.dropna(subset=[f"{flow}_usd_million"])
    ranked = ranked.sort_values([f"{flow}_usd_million", "iso3"], ascending=[False, True]).head(n)
    rows = [
        (r.name, "partner", r.group, 100 * r.exports_usd_million / exports, 100 * r.imports_usd_million / imports)
        for r in ranked.itertuples()
    ]
    members = panel.groupby("group")["iso3"].nunique()
    for group in members[(members > 1) & (members.index != "Other")].index:
        part = one[one["group"] == group]
        rows.append(
            (
                group,
                "group",
                group,
                100 * part["exports_usd_million"].sum() / exports,
                100 * part["imports_usd_million"].sum() / imports,
            )
        )
    expected = pd.DataFrame(rows, columns=["label", "kind", "group", "exports_share_pct", "imports_share_pct"])
    expected.insert(0, "year", year)
    expected["gap_pp"] = expected["imports_share_pct"] - expected["exports_share_pct"]
    written = pd.read_csv(PROCESSED / "trade_dependence_points.csv")
    assert set(expected["label"]) >= {"EU-27", "Central Asia"}
    key = ["kind", "label"]
    pd.testing.assert_frame_equal(
        written.sort_values(key).reset_index(drop=True), expected.sort_values(key).reset_index(drop=True), rtol=1e-9
    )


# --- 2. each chart drawn as the notebook draws it ---------------------------------------------------


@pytest.fixture(scope="module")
def chapter() -> dict[str, Any]:
    """The trade chapter's inputs to the two charts, built as notebooks/01_trade.ipynb builds them."""
    params = _defaults()
    by_partner = tables.read_table("trade_by_partner", PROCESSED)
    by_group = trade.trade_by_group(by_partner)
    top = trade.top_partners(by_partner, params["focus_year"], params["top_n"], params["flow"])
    return {
        "year": params["focus_year"],
        "points": trade.dependence_asymmetry(by_partner, by_group, params["focus_year"], top["partner_iso3"].tolist()),
        "levels": trade.group_levels(by_group, trade.MAIN_GROUPS, periods.EVENT_WINDOW_FIRST_YEAR),
        "monthly": trade.monthly_totals(read_raw("trade_monthly_totals")),
        "events": events.select_events(events.load_events(), trade.SHOCKS_OF_2022),
    }


def _draw(tmp_path: Path, chart: style.Chart) -> tuple[Any, FigureInfo]:
    """Save a chart as the notebook does (into ``tmp_path``); the figure and what its saved output declares."""
    saved = style.save(chart, tmp_path / "figures")
    info = FigureInfo.from_output({"metadata": saved.display_metadata()}, "01_trade")
    assert info is not None
    return chart.figure, info


def _frames(info: FigureInfo) -> list[pd.DataFrame]:
    """The figure's numbers as the report offers them, one frame per table, from data/processed."""
    return [pd.DataFrame(body, columns=header) for header, body in (figure_data(info, PROCESSED, c) for c in info.cuts)]


def _number(cell: str) -> float:
    return float(cell) if cell else float("nan")


def _asymmetry(points: pd.DataFrame, year: int, missing: list[str]) -> style.Chart:
    """The dependence chart with its words, as the notebook makes it."""
    return trade_figures.asymmetry_figure(points, year, trade_chapter.asymmetry_text(points, year, missing))


def _levels(chapter: dict[str, Any]) -> style.Chart:
    """The levels chart with its words, as the notebook makes it."""
    text = trade_chapter.levels_events_text(chapter["levels"], chapter["events"])
    return trade_figures.levels_events_figure(chapter["levels"], chapter["monthly"], chapter["events"], text)


@needs_raw
def test_the_dependence_chart_offers_one_row_per_point_drawn(chapter, tmp_path) -> None:
    fig, info = _draw(tmp_path, _asymmetry(chapter["points"], chapter["year"], []))
    assert [c.table for c in info.cuts] == ["trade_dependence_points"]
    (rows,) = _frames(info)
    ax = fig.axes[0]
    partners, groups = ax.collections  # circles for countries, diamonds for whole groups
    drawn = [
        (kind, round(x, 6), round(y, 6), to_hex(colour))
        for kind, points in (("partner", partners), ("group", groups))
        for (x, y), colour in zip(points.get_offsets(), points.get_facecolors(), strict=True)
    ]
    offered = [
        (r.kind, round(_number(r.exports_share_pct), 6), round(_number(r.imports_share_pct), 6), r.group)
        for r in rows.itertuples()
    ]
    assert len(offered) == len(drawn), "one row per point drawn"
    assert sorted(drawn) == sorted((k, x, y, style.GROUP_COLOURS[g].lower()) for k, x, y, g in offered)
    labels = {a.get_text(): (round(a.xy[0], 6), round(a.xy[1], 6)) for a in ax.texts if isinstance(a, Annotation)}
    assert labels == {
        label + (" (all)" if kind == "group" else ""): (x, y)
        for label, (kind, x, y, _) in zip(rows["label"], offered, strict=True)
    }, "each row's label sits on its point"
    assert set(rows["year"]) == {str(chapter["year"])}


@needs_raw
def test_a_year_without_shares_offers_its_points_with_empty_shares(chapter, tmp_path) -> None:
    points = chapter["points"].assign(exports_share=float("nan"), imports_share=float("nan"), gap_pp=float("nan"))
    year = chapter["year"]
    tables.write_table(trade.dependence_table(points, year), "trade_dependence_points", tmp_path)
    fig, info = _draw(tmp_path, _asymmetry(points, year, ["Russia"]))
    header, body = figure_data(info, tmp_path)
    assert info.table == "trade_dependence_points" and len(body) == len(points)
    shares = [header.index(c) for c in ("exports_share_pct", "imports_share_pct", "gap_pp")]
    assert all(row[i] == "" for row in body for i in shares), "missing, never 0"
    drawn = [text.get_text() for text in fig.axes[0].texts]
    assert drawn == [f"No shares for {year}: the source has no values for Russia."], "the stand-in says why, no plot"
    assert info.title.startswith(f"Shares of Kazakhstan's trade in {year} are unknown")


def _lines(ax: Any, colour: str) -> list[Any]:
    return [line for line in ax.get_lines() if to_hex(line.get_color()) == colour.lower()]


@needs_raw
def test_the_levels_chart_offers_each_panels_numbers(chapter, tmp_path) -> None:
    fig, info = _draw(tmp_path, _levels(chapter))
    assert [(c.panel, c.table) for c in info.cuts] == [
        ("top panel", "trade_by_group"),
        ("bottom panel", "trade_monthly_totals"),
    ]
    annual, monthly = _frames(info)
    top, bottom = fig.axes
    # top: one line per group, a point per year drawn mid-year, USD billion
    drawn = {}
    for group in trade.MAIN_GROUPS:
        (line, *_markers) = sorted(_lines(top, style.GROUP_COLOURS[group]), key=lambda li: -len(li.get_xdata()))
        drawn |= {(round(x - 0.5), group): y for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True)}
    offered = {(int(r.year), r.group): _number(r.turnover_usd_m) / 1000 for r in annual.itertuples()}
    assert offered.keys() == drawn.keys(), "one row per point of the top panel"
    assert all(offered[k] == pytest.approx(drawn[k], rel=1e-9) for k in drawn)
    # bottom: the national totals, a point per month drawn mid-month, USD billion
    months = pd.to_datetime(monthly["month"], format="%Y-%m")
    positions = (months.dt.year + (months.dt.month - 0.5) / 12).tolist()
    for flow in ("exports", "imports"):
        (line,) = [li for li in _lines(bottom, style.FLOW_COLOURS[flow]) if len(li.get_xdata()) > 2]
        assert len(line.get_xdata()) == len(monthly), f"one row per month of the {flow} line"
        assert list(line.get_xdata()) == pytest.approx(positions)
        assert list(line.get_ydata()) == pytest.approx([_number(v) / 1000 for v in monthly[f"{flow}_usd_m"]], rel=1e-9)


# --- 3. the committed report offers those rows -------------------------------------------------------


def _report_figure(name: str) -> str:
    page = (ROOT / "report" / "index.html").read_text(encoding="utf-8")
    start = page.index(f'<figure class="kzmv-figure" id="fig-{name}"')
    return page[start : page.index("</figure>", start)]


def _csv_downloads(figure: str) -> dict[str, list[list[str]]]:
    """``{file name: rows}`` of a figure's CSV downloads, decoded as a browser decodes the ``data:`` URI."""
    found = re.findall(r"<a class=\"dl-csv\" download=\"([^\"]+)\" href='data:text/csv;charset=utf-8,([^']*)'", figure)
    return {name: list(csv.reader(io.StringIO(unquote(html.unescape(body))))) for name, body in found}


@needs_raw
@pytest.mark.parametrize(
    ("chart", "name"),
    [
        (lambda c: _asymmetry(c["points"], c["year"], []), "trade_dependence_asymmetry"),
        (_levels, "trade_levels_events"),
    ],
)
def test_the_report_offers_the_rows_the_chart_declares(chart, name, chapter, tmp_path) -> None:
    _, info = _draw(tmp_path, chart(chapter))
    several = len(info.cuts) > 1
    expected = {
        (f"{name}-{cut.table}.csv" if several else f"{name}.csv"): [header, *body]
        for cut in info.cuts
        for header, body in [figure_data(info, PROCESSED, cut)]
    }
    assert _csv_downloads(_report_figure(name)) == expected


# --- 4. the panel machinery ---------------------------------------------------------------------------


def _info(**declared: Any) -> FigureInfo:
    fields = {"name": "x", "notebook": "01_trade", "title": "T", "subtitle": "s", "source": "Source: y"}
    fields |= {"note": "", "alt": "a", "table": None, "columns": None, "rows": None}
    return FigureInfo(**(fields | declared))


def test_a_figure_with_a_table_per_panel_gets_a_numbers_table_and_a_download_each(tmp_path: Path) -> None:
    (tmp_path / "x.svg").write_text("<svg/>")
    (tmp_path / "x.png").write_bytes(b"png")
    (tmp_path / "a.csv").write_text("year,value\n2020,1\n2021,\n")
    (tmp_path / "b.csv").write_text("month,year,v\n2020-01,2020,3\n2021-01,2021,4\n")
    panels = (TableCut("a", None, None, "top panel"), TableCut("b", ["month", "v"], {"year": [2021]}, "bottom panel"))
    figure = panel_html(_info(panels=panels), 3, tmp_path, tmp_path, "kzmv")
    assert _csv_downloads(figure) == {
        "x-a.csv": [["year", "value"], ["2020", "1"], ["2021", ""]],
        "x-b.csv": [["month", "v"], ["2021-01", "4"]],
    }
    details = re.findall(r'<details class="fig-data" data-table="(\w+)"[^>]*><summary>([^<]*)', figure)
    assert details == [
        ("a", "Figure 3, top panel: the numbers as a table (2 rows)"),
        ("b", "Figure 3, bottom panel: the numbers as a table (1 row)"),
    ]
    assert "bottom panel data (CSV)" in figure and "data-table" not in figure[: figure.index("<img")]
    one = panel_html(_info(table="a"), 1, tmp_path, tmp_path, "kzmv")
    assert list(_csv_downloads(one)) == ["x.csv"] and one.startswith(
        '<figure class="kzmv-figure" id="fig-x" data-number="1" data-table="a"'
    ), "a figure of one table is offered as before"
    broken = (panels[0], TableCut("b", ["colour"], None, "bottom panel"))
    with pytest.raises(PipelineError, match=r"^notebook 01_trade, figure x, bottom panel: .* has no column 'colour'$"):
        panel_html(_info(panels=broken), 3, tmp_path, tmp_path, "kzmv")


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ({"table": "a", "panels": [style.PanelData("top", "a"), style.PanelData("bottom", "b")]}, "not both"),
        ({"panels": [style.PanelData("top", "a")]}, "needs two or more panels"),
        ({"panels": [style.PanelData("top", "a"), style.PanelData("bottom", "a")]}, "each from another table"),
        ({"panels": [style.PanelData("top", "a"), style.PanelData("", "b")]}, "every panel needs a label"),
    ],
)
def test_an_ambiguous_declaration_stops_before_anything_is_saved(
    declared: dict[str, Any], message: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(run_folder(tmp_path, tmp_path))
    fig, _ = style.new_figure()
    text = style.FigureText(title="T", subtitle="s", source="Source: y", alt="a")
    with pytest.raises(PipelineError, match=rf"^figure x: .*{message}"):
        style.Chart(fig, "x", text, **declared)
    assert not (tmp_path / "figures").exists()
