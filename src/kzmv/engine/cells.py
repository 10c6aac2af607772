"""``make params``: each notebook's papermill ``parameters`` cell, written from ``pipeline.yml``.

A parameter is declared once, in ``pipeline.yml`` (default, range, help); the
cell a reader sees in JupyterLab is derived from that declaration
(:func:`kzmv.params.parameters_cell`). The build refuses a notebook whose cell
differs, with one line pointing here, so the two can never disagree.
"""

from __future__ import annotations

from pathlib import Path

from kzmv import params
from kzmv.engine.pipeline import load_pipeline


def write_parameters_cells(root: Path) -> list[str]:
    """Rewrite the parameters cell of every notebook whose cell differs from its declaration; return their names."""
    import nbformat

    pipeline = load_pipeline(root / "pipeline.yml", check_checkout=False)
    changed = []
    for step in pipeline.notebooks:
        path = root / step.path
        nb = nbformat.read(path, as_version=4)
        wanted = params.parameters_cell(step.parameters)
        cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        if not cells:
            cell = nbformat.v4.new_code_cell(wanted, metadata={"tags": ["parameters"]})
            nb.cells.insert(1, cell)
        elif cells[0].source == wanted:
            continue
        else:
            cells[0].source = wanted
        nbformat.write(nb, path)
        changed.append(step.name)
    return changed
