"""The committed outputs are exactly what the pipeline produces now, byte for byte.

A clean copy of the project is built from scratch in a temporary folder and
every file of figures/, data/processed/ and report/ is compared with the
committed one: a stale output, or anything non-deterministic, fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kzmv.engine.runner import build, copy_project, output_digests

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_a_clean_build_reproduces_the_committed_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = copy_project(ROOT, tmp_path / "project")
    monkeypatch.setenv("KZMV_RAW_DIR", str(ROOT / "data" / "raw"))
    result = build(root=copy, force=True, log=lambda m: None)
    assert result.rendered
    built, committed = output_digests(copy), output_digests(ROOT)
    assert sorted(built) == sorted(committed), "the set of output files differs from the committed one"
    stale = [name for name in built if built[name] != committed[name]]
    assert not stale, f"committed outputs differ from a fresh build (run `make report` and commit): {stale}"
