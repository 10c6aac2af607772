"""Failures end to end: bad raw data, Ctrl-C, and hostile strings never hurt published outputs."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from kzmv.build.runner import copy_project, output_digests
from kzmv.figures.style import FigureText, figure_html

ROOT = Path(__file__).resolve().parents[1]
PANEL = "trade/kaz_trade_by_partner_2000_2025_wits_bns_panel.csv"


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The project with its published outputs, without venv, caches or git."""
    return copy_project(ROOT, tmp_path / "project", with_outputs=True)


def _env(copy: Path, raw: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KZMV_")}
    env.update({"KZMV_PROJECT_ROOT": str(copy), "KZMV_RAW_DIR": str(raw), "KZMV_RAW_MIRROR": str(raw)})
    return env


def test_bad_raw_data_stops_the_build_with_one_message(project_copy: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    panel = raw / PANEL
    panel.write_bytes(panel.read_bytes().replace(b"\nCHN,2024,", b"\nXYZ,2024,", 1))
    manifest_path = project_copy / "data" / "sources.yml"
    manifest = yaml.safe_load(manifest_path.read_text())
    for entry in manifest["sources"]:
        if entry["path"] == PANEL:  # a user updating a raw file updates its manifest entry too
            entry["sha256"] = hashlib.sha256(panel.read_bytes()).hexdigest()
    manifest_path.write_text(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True))
    before = output_digests(project_copy)
    result = subprocess.run(
        [sys.executable, "-m", "kzmv.cli", "report", "--force", "--only", "00_data_prep"],
        capture_output=True,
        text=True,
        env=_env(project_copy, raw),
        cwd=project_copy,
        check=False,
        timeout=300,
    )
    assert result.returncode == 2
    assert "notebook 00_data_prep failed in cell" in result.stderr
    assert "column 'iso3': expected a known ISO 3166-1 alpha-3 code, found 'XYZ'" in result.stderr
    assert PANEL.split("/")[-1] in result.stderr
    assert "Traceback" not in result.stderr
    assert output_digests(project_copy) == before, "a failed run must leave published outputs as they were"


def test_ctrl_c_leaves_published_outputs_untouched(project_copy: Path) -> None:
    before = output_digests(project_copy)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kzmv.cli", "report", "--force", "--only", "00_data_prep"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(project_copy, ROOT / "data" / "raw"),
        cwd=project_copy,
        start_new_session=True,
    )
    stage = project_copy / ".build" / "stage" / "report" / "notebooks"
    deadline = time.monotonic() + 60
    while not stage.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)  # let a kernel start
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert "interrupted" in err and "Traceback" not in err
    assert output_digests(project_copy) == before
    assert _processes_of(project_copy) == [], "no kernel (nor the kernel template) outlives the interrupt"


def _processes_of(project: Path) -> list[str]:
    """Command lines of live processes started for ``project`` (found by KZMV_PROJECT_ROOT in their environment)."""
    marker = f"KZMV_PROJECT_ROOT={project}".encode()
    found = []
    for proc_dir in Path("/proc").glob("[0-9]*"):
        try:
            if marker in (proc_dir / "environ").read_bytes().split(b"\0"):
                found.append((proc_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def test_figure_captions_and_alt_text_escape_data_strings(tmp_path: Path) -> None:
    svg = tmp_path / "x.svg"
    svg.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    text = FigureText(title='<img src=x onerror="alert(1)">', subtitle="a & b", source="Source: <b>", alt='"quoted"')
    page = figure_html(svg, "x", text)
    assert "<img src=x" not in page and "&lt;img src=x" in page
    assert 'alt="&quot;quoted&quot;"' in page and "a &amp; b" in page
