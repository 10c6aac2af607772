"""Small toy projects for the build engine's tests: fast to build, and not touched by other work on the notebooks.

A toy project has the shape of the real one (pipeline.yml, notebooks/, a
manifest, the three published folders) and one or two notebooks that write a
figure and a table from their parameter ``value``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from conftest import NO_PARAMETERS, write_toy_notebook

ROOT = Path(__file__).resolve().parents[1]

REPORT = "report: {title: Toy, kicker: k, subtitle: s, data_note: d, citation: c}\n"

# Writes both published data folders, so that a publish changes each of them. A "figure" is
# two small text files here, figures/toy.svg and figures/toy.png: what the engine copies and
# publishes does not depend on what is inside.
WRITE = """from kzmv import paths
for suffix in ("svg", "png"):
    (paths.figures_dir() / f"toy.{suffix}").write_text(f"value={value}")
(paths.processed_dir() / "toy.csv").write_text(f"v\\n{value}\\n")
"""


def toy_pipeline(tables: Iterable[str] = ("toy",), figures: Iterable[str] = ("toy",), down: bool = False) -> str:
    """pipeline.yml of a toy: notebook ``toy`` (parameter ``value``), and with ``down`` a second one reading it."""
    text = (
        REPORT + "notebooks:\n"
        "  - name: toy\n    path: notebooks/toy.ipynb\n    title: Toy\n"
        "    parameters: {value: {default: 1, min: 0, max: 9, help: a value}}\n"
        f"    writes: {{tables: [{', '.join(tables)}], figures: [{', '.join(figures)}]}}\n"
    )
    if down:
        text += (
            "  - name: down\n    path: notebooks/down.ipynb\n    title: Down\n"
            "    upstream: [toy]\n    writes: {figures: [down]}\n"
        )
    return text


DOWN = """from kzmv import paths
for suffix in ("svg", "png"):
    (paths.figures_dir() / f"down.{suffix}").write_text((paths.published_figures_dir() / "toy.svg").read_text().upper())
"""


def make_toy(
    proj: Path, *cells: str, tables: Iterable[str] = ("toy",), figures: Iterable[str] = ("toy",), down: bool = False
) -> Path:
    """Create a toy project at ``proj`` whose notebook runs ``cells`` (default: :data:`WRITE`)."""
    (proj / "notebooks").mkdir(parents=True)
    (proj / "data" / "raw").mkdir(parents=True)
    (proj / "data" / "sources.yml").write_text("sources: []\n")
    for rel in ("data/processed", "figures", "report"):
        (proj / rel).mkdir(parents=True, exist_ok=True)
    (proj / "pipeline.yml").write_text(toy_pipeline(tables, figures, down))
    write_toy_notebook(proj / "notebooks" / "toy.ipynb", *(cells or (WRITE,)))
    if down:
        write_toy_notebook(proj / "notebooks" / "down.ipynb", DOWN, params=NO_PARAMETERS)
    return proj


def toy_env(proj: Path, **extra: str) -> dict[str, str]:
    """The environment of a command run in ``proj``: no KZMV_ variable of the test run leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KZMV_")}
    env.update(
        {
            "KZMV_RAW_DIR": str(proj / "data" / "raw"),
            "KZMV_RAW_MIRROR": str(proj / "data" / "raw"),
        }
    )
    env.update(extra)
    return env


def cli(proj: Path, *args: str, timeout: float = 180, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m kzmv.cli ARGS`` on the toy ``proj`` and wait for it."""
    return subprocess.run(
        [sys.executable, "-m", "kzmv.cli", *args],
        capture_output=True,
        text=True,
        env=toy_env(proj, **extra),
        cwd=proj,
        check=False,
        timeout=timeout,
    )


def cli_process(proj: Path, *args: str, **extra: str) -> subprocess.Popen[str]:
    """Start ``python -m kzmv.cli ARGS`` on ``proj`` without waiting (stderr piped, line-buffered text)."""
    return subprocess.Popen(
        [sys.executable, "-m", "kzmv.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
        env=toy_env(proj, **extra),
        cwd=proj,
    )


def snapshot(proj: Path, dest: Path) -> Path:
    """A copy of the project with its outputs and build state, to start a trial from again."""
    shutil.copytree(proj, dest, symlinks=True)
    return dest


def one_line(stderr: str) -> str:
    """The last line a command printed to stderr; asserts there was no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "the command printed nothing"
    return lines[-1]
