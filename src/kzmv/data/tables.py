"""Writing processed tables, each documented in ``data/dictionary.yml``.

A processed CSV is only written if the dictionary describes exactly its columns,
so ``data/processed`` can never hold an undocumented table or column. Writing is
deterministic (fixed float format, ``\\n`` line ends, empty cells for missing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from kzmv import paths
from kzmv.errors import PipelineError
from kzmv.yamlio import load_yaml, once_per_file_version


def dictionary_path() -> Path:
    return paths.project_file("data/dictionary.yml")


def load_dictionary(path: Path | None = None) -> dict[str, Any]:
    """``{table: {description, sources, columns: {name: {type, unit, meaning}}}}``; read-only.

    Parsed once per version of the file (every table write checks against it,
    and parsing it is a fifth of a second in a notebook that writes nine tables).
    """
    return _parsed_dictionary(path or dictionary_path())


@once_per_file_version
def _parsed_dictionary(path: Path) -> dict[str, Any]:
    return load_yaml(path)["tables"]


def dictionary_frame(tables: dict[str, Any] | None = None) -> pd.DataFrame:
    """The dictionary as one flat table: ``table, column, type, unit, meaning, source``."""
    tables = tables if tables is not None else load_dictionary()
    rows = [
        {
            "table": f"{table}.csv",
            "column": column,
            "type": spec["type"],
            "unit": spec.get("unit", ""),
            "meaning": spec["meaning"],
            "source": ", ".join(entry["sources"]),
        }
        for table, entry in tables.items()
        for column, spec in entry["columns"].items()
    ]
    return pd.DataFrame(rows)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Deterministic CSV: no index, ``\\n`` line ends, floats to 10 significant digits.

    Ten digits keep every value the sources publish (USD million to two
    decimals up to hundreds of billions) while hiding binary noise such as
    0.30000000000000004. Returns nothing, so a notebook never displays a path.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")


def write_table(frame: pd.DataFrame, name: str, folder: Path | None = None) -> None:
    """Write ``data/processed/<name>.csv`` after checking it against the dictionary.

    Returns nothing on purpose: as the last line of a notebook cell, a returned
    path would be displayed, leaking an absolute path into the executed notebook.
    """
    tables = load_dictionary()
    if name not in tables:
        raise PipelineError(f"processed table '{name}' is not described in data/dictionary.yml")
    documented = list(tables[name]["columns"])
    if list(frame.columns) != documented:
        raise PipelineError(
            f"processed table '{name}': columns {list(frame.columns)} differ from data/dictionary.yml {documented}"
        )
    path = processed_path(name, folder)
    write_csv(frame, path)
    _written.add(path)


# Tables this process wrote: an explored notebook reads its own tables back from the scratch folder.
_written: set[Path] = set()


def read_table(name: str, folder: Path | None = None) -> pd.DataFrame:
    """Read a processed table: one this notebook wrote, else the published one (in a build: as staged).

    The engine is told which table was read (:func:`kzmv.paths.note_read`), so a
    change to it reruns this notebook.
    """
    path = processed_path(name, folder)
    if folder is None and path not in _written:
        paths.note_read(f"data/processed/{name}.csv")
        path = paths.input_root() / "data" / "processed" / f"{name}.csv"
    if not path.is_file():
        raise PipelineError(f"processed table {path} is missing: run the notebook that writes it first")
    return pd.read_csv(path)


def processed_path(name: str, folder: Path | None = None) -> Path:
    """Where this run writes ``data/processed/<name>.csv`` (or ``folder/<name>.csv``)."""
    return (folder or paths.processed_dir()) / f"{name}.csv"
