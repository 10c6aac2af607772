"""Write a source notebook from a percent-format script (``# %%`` cells).

Authoring notebooks as plain text keeps diffs readable; this turns the text
into an output-free ``.ipynb`` with stable cell ids. Usage:
``python tools/nb_from_py.py notebooks/src/01_trade.py notebooks/01_trade.ipynb``.
Cell markers: ``# %% [markdown]`` (lines prefixed with ``# ``), ``# %%`` for
code, ``# %% tags=["parameters"]`` for the parameters cell.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat

MARKER = re.compile(r"^# %%(?P<md> \[markdown\])?(?: tags=(?P<tags>\[.*\]))?\s*$")


def convert(text: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    cells: list[tuple[bool, list[str], list[str]]] = []
    for line in text.splitlines():
        match = MARKER.match(line)
        if match:
            cells.append((bool(match["md"]), json.loads(match["tags"]) if match["tags"] else [], []))
        elif cells:
            cells[-1][2].append(line)
    for index, (is_md, tags, lines) in enumerate(cells):
        body = "\n".join(lines).strip("\n")
        if is_md:
            body = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in body.splitlines())
            cell = nbformat.v4.new_markdown_cell(body)
        else:
            cell = nbformat.v4.new_code_cell(body)
        cell["id"] = f"c{index:02d}"
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


if __name__ == "__main__":
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    nbformat.write(convert(source.read_text(encoding="utf-8")), target)
