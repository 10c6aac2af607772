"""The package's layers, held by import-linter's contracts in pyproject.toml.

The folders of ``src/kzmv`` are its architecture (see the README): the build
engine on top, then the story, the figures, the analysis and the data layer.
A module may import only from the layers below it; these tests run the
contracts on the real package and show that a wrong-way import fails them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

LINT = Path(sys.executable).with_name("lint-imports")
ROOT = Path(__file__).resolve().parents[1]


def _lint(root: Path, package_parent: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(
        [str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=package_parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_package_keeps_its_layers(root: Path) -> None:
    result = _lint(root, root / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "wrong_import", "named"),
    [
        ("analysis/trade.py", "from kzmv.story import display", "kzmv.analysis.trade -> kzmv.story.display"),
        ("figures/trade.py", "from kzmv.story import claims", "kzmv.figures.trade -> kzmv.story.claims"),
        ("data/tables.py", "from kzmv.analysis import fdi", "kzmv.data.tables -> kzmv.analysis.fdi"),
        ("analysis/fdi.py", "from kzmv.engine import pipeline", "kzmv.analysis.fdi -> kzmv.engine.pipeline"),
    ],
)
def test_an_import_against_the_layers_breaks_the_contract(
    root: Path, tmp_path: Path, module: str, wrong_import: str, named: str
) -> None:
    shutil.copytree(root / "src" / "kzmv", tmp_path / "kzmv", ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "kzmv" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{wrong_import}\n", encoding="utf-8")
    result = _lint(root, tmp_path)
    assert result.returncode != 0
    assert named in result.stdout


def _architecture_section() -> str:
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    start = text.index("## Rooms")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_the_architecture_document_names_every_folder_and_module() -> None:
    """The architecture document's map of the package must match the tree: a new module nobody explains fails here."""
    section = _architecture_section()
    missing = []
    for path in sorted((ROOT / "src" / "kzmv").rglob("*.py")):
        rel = path.relative_to(ROOT / "src" / "kzmv")
        if rel.name == "__init__.py":
            folder = rel.parent.name
            if folder and f"{folder}/" not in section:
                missing.append(f"{rel.parent}/")
            continue
        if not re.search(rf"\b{re.escape(rel.stem)}\b", section):
            missing.append(str(rel))
    assert missing == [], f"docs/ARCHITECTURE.md's map of the package does not mention: {missing}"
