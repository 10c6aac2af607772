"""How a notebook shows a figure and records values: one call each, with what the report and the tests read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import IPython.display
import pytest

from kzmv.engine.figure_panel import FIGURE_KEY, FigureInfo
from kzmv.figures import style
from kzmv.story import display


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, dict[str, Any]]]:
    """What the notebook would display: (object, metadata) pairs, in order."""
    seen: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, metadata=None, **_: seen.append((obj, metadata or {})))
    return seen


@dataclass(frozen=True)
class Summary:
    first: int
    second: dict[str, float]


def test_record_all_records_each_field_and_value_in_order(shown) -> None:
    display.record_all(Summary(1, {"a": 2.5}), {"third": [3]}, fourth=None)
    records = [obj[display.RECORD_MIME] for obj, _ in shown]
    assert records == [
        {"name": "first", "value": 1},
        {"name": "second", "value": {"a": 2.5}},
        {"name": "third", "value": [3]},
        {"name": "fourth", "value": None},
    ]
    with pytest.raises(TypeError, match="dataclasses or mappings"):
        display.record_all([1, 2])
    shown.clear()
    with pytest.raises(TypeError):
        display.record_all(good=1, bad=object())  # not JSON
    assert shown == [], "nothing is recorded when one value cannot be"


def test_a_saved_figure_is_shown_with_the_metadata_the_report_reads(shown, tmp_path: Path) -> None:
    fig, ax = style.new_figure(height_in=3)
    ax.plot([0, 1], [1, 2])
    text = style.FigureText(title="A finding", subtitle="units", source="Source: test", alt="a line", note="n")
    chart = style.Chart(fig, "toy", text, table="toy_table", rows={"year": [2020]})
    saved = style.save(chart, tmp_path)
    assert saved.svg == tmp_path / "toy.svg" and saved.svg.is_file() and saved.png.is_file()
    display.show_figure(saved)
    (html, metadata), *_ = shown
    assert 'id="fig-toy"' in html.data and 'alt="a line"' in html.data
    info = FigureInfo.from_output({"metadata": metadata}, "toy_notebook")
    assert set(metadata) == {FIGURE_KEY}
    assert info is not None and (info.name, info.title, info.subtitle, info.source, info.note, info.alt) == (
        "toy",
        "A finding",
        "units",
        "Source: test",
        "n",
        "a line",
    )
    assert (info.table, info.columns, info.rows) == ("toy_table", None, {"year": [2020]})
    assert "A finding" in saved.svg.read_text(encoding="utf-8"), "save puts the words on the figure"
