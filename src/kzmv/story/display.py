"""Small helpers that notebooks call to speak and to record values.

``say`` renders Markdown built from computed values, so no number is typed into
prose. ``record`` and ``record_all`` leave named values in the executed
notebook, where the tests (papermill runs with other parameters) read them
back; ``show_figure`` displays a saved figure with the metadata the report
renderer reads.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the engine's renderer imports this module, which must not import matplotlib for it
    from kzmv.figures.style import SavedFigure

RECORD_MIME = "application/vnd.kzmv.record+json"
FINDINGS_KEY = "kzmv-key-findings"
DATA_NOTE_KEY = "kzmv-data-note"


def say(markdown: str) -> None:
    """Display Markdown (built with f-strings from computed values)."""
    from IPython.display import Markdown, display

    display(Markdown(markdown))


def show_key_findings(markdown: str) -> None:
    """Display Markdown that the report lifts to its top, under "Key findings"."""
    from IPython.display import Markdown, display

    display(Markdown(markdown), metadata={FINDINGS_KEY: True})


def data_note(text: str) -> None:
    """Display the "date of the data" line, which the report shows in its title block."""
    from IPython.display import Markdown, display

    display(Markdown(text), metadata={DATA_NOTE_KEY: True})


def record(name: str, value: Any) -> None:
    """Record a JSON-serialisable value under ``name`` in the notebook's outputs."""
    from IPython.display import display

    json.dumps(value)  # fail early on something that cannot be recorded
    display({RECORD_MIME: {"name": name, "value": value}, "text/plain": f"{name} = {value!r}"}, raw=True)


def record_all(*results: Any, **values: Any) -> None:
    """Record several values in one call: each field of a dataclass or key of a mapping in ``results``, then ``values``.

    Why: the tests read back what a notebook computed, but a reader of the
    notebook should see one line of bookkeeping per cell at most, not one line
    per value (``tests/test_notebook_shape.py`` holds every notebook to that).
    Each value is recorded as :func:`record` records it, in order, so the
    executed notebook and :func:`recorded` see the same outputs either way.
    """
    named: dict[str, Any] = {}
    for result in results:
        if dataclasses.is_dataclass(result) and not isinstance(result, type):
            named |= {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
        elif isinstance(result, Mapping):
            named |= dict(result)
        else:
            raise TypeError(f"record_all takes dataclasses or mappings of named values, not {type(result).__name__}")
    named |= values
    json.dumps(named)  # every value is checked before any is recorded, so a failure leaves no half record
    for name, value in named.items():
        record(name, value)


def recorded(notebook: Path) -> dict[str, Any]:
    """All values recorded in an executed notebook, by name."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    values: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if RECORD_MIME in data:
                item = data[RECORD_MIME]
                values[item["name"]] = item["value"]
    return values


def show_table(frame: Any, digits: int | None = None) -> None:
    """Display a table for readers: no index, nothing truncated, numbers as :mod:`kzmv.story.numbers` writes them.

    pandas' default display cuts long text to fifty characters, prints the
    row index, shows NaN and writes a hyphen for a minus; a report table should
    do none of these. Each numeric column is written by :func:`numbers.cell`
    (whole numbers as they are, fractions to ``digits`` decimals, missing as a
    dash). Cell text is HTML-escaped, so data strings cannot inject markup.
    """
    from IPython.display import HTML, display

    display(HTML(table_html(frame, digits)))


def table_html(frame: Any, digits: int | None = None) -> str:
    """The HTML :func:`show_table` displays (testable without a notebook)."""
    from kzmv.story import numbers

    fraction = f".{digits}f" if digits is not None else "g"
    formatters = {
        column: partial(numbers.cell, spec=fraction if frame[column].dtype.kind == "f" else "d")
        for column in frame.columns
        if frame[column].dtype.kind in "iuf"
    }
    shown = frame.round(digits) if digits is not None else frame
    return shown.to_html(
        index=False, escape=True, na_rep=numbers.MISSING_CELL, border=0, classes="kzmv-table", formatters=formatters
    )


def show_figure(saved: SavedFigure) -> None:
    """Display a saved figure (:func:`kzmv.figures.style.save`) with the metadata the report renders it from.

    The notebook shows exactly the saved SVG, and the metadata (its words and
    the cut of its processed table) is what the report's figure panel reads.
    """
    from IPython.display import HTML, display

    display(HTML(saved.html()), metadata=saved.display_metadata())


def show_html(markup: str) -> None:
    """Display HTML built by a story function (which escapes every data string it puts in)."""
    from IPython.display import HTML, display

    display(HTML(markup))
