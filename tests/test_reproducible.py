"""The committed outputs are exactly what the pipeline produces now, byte for byte.

A clean copy of the project is built from scratch in a temporary folder and
every file of figures/, data/processed/ and report/ is compared with the
committed one: a stale output, or anything non-deterministic, fails here.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from kzmv.build import PUBLISHED, build

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".venv", ".build", ".git", "test-artifacts", ".pytest_cache", ".ruff_cache", *PUBLISHED}


def _digests(base: Path) -> dict[str, str]:
    return {
        p.relative_to(base).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for rel in PUBLISHED
        for p in sorted((base / rel).rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_a_clean_build_reproduces_the_committed_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=lambda folder, names: (
            [n for n in names if Path(folder) == ROOT and n in {"data", *SKIP}]
            or [n for n in names if n == "__pycache__"]
        ),
    )
    (copy / "data").mkdir()
    for item in (ROOT / "data").iterdir():
        if item.is_file():
            shutil.copy(item, copy / "data" / item.name)
    monkeypatch.setenv("KZMV_PROJECT_ROOT", str(copy))
    monkeypatch.setenv("KZMV_RAW_DIR", str(ROOT / "data" / "raw"))
    result = build(force=True, log=lambda m: None)
    assert result.rendered
    built, committed = _digests(copy), _digests(ROOT)
    assert sorted(built) == sorted(committed), "the set of output files differs from the committed one"
    stale = [name for name in built if built[name] != committed[name]]
    assert not stale, f"committed outputs differ from a fresh build (run `make report` and commit): {stale}"
