"""Every reader of raw data verifies its checksum: the runner's notebooks and a notebook run from JupyterLab alike."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import write_toy_notebook
from toys import cli, make_toy

from kzmv.data import fetch
from kzmv.data.loading import read_raw
from kzmv.data.manifest import load_manifest
from kzmv.errors import PipelineError

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "trade_monthly_totals"


@pytest.fixture
def raw_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fetched copy of one raw file in a raw folder of its own; the path of that file."""
    source = load_manifest()[SOURCE]
    target = tmp_path / "raw" / source.path
    target.parent.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "raw" / source.path, target)
    monkeypatch.setenv("KZMV_RAW_DIR", str(tmp_path / "raw"))
    return target


def _edit(path: Path) -> None:
    """What a user tidying a raw file in a spreadsheet might do: change one figure."""
    data = path.read_bytes()
    digit = next(i for i in range(len(data) - 1, 0, -1) if data[i : i + 1].isdigit())
    path.write_bytes(data[:digit] + (b"1" if data[digit : digit + 1] != b"1" else b"2") + data[digit + 1 :])


def test_an_edited_raw_file_is_refused_by_every_reader(raw_copy: Path) -> None:
    assert len(read_raw(SOURCE)) > 0
    _edit(raw_copy)
    with pytest.raises(PipelineError) as err:
        read_raw(SOURCE)
    message = str(err.value)
    assert message.startswith(f"checksum mismatch for raw file '{load_manifest()[SOURCE].path}'")
    assert "it was changed after fetching: run `make data` to fetch it again" in message


def test_the_checksum_is_computed_once_per_version_of_the_file(raw_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hashed: list[Path] = []
    real = fetch.sha256_of
    monkeypatch.setattr(fetch, "sha256_of", lambda path: hashed.append(path) or real(path))
    for _ in range(3):
        read_raw(SOURCE)
    assert hashed.count(raw_copy) <= 1, "read three times, hashed at most once"
    _edit(raw_copy)
    with pytest.raises(PipelineError, match="checksum mismatch"):
        read_raw(SOURCE)
    assert hashed.count(raw_copy) >= 1, "an edited file is hashed again"


def test_a_notebook_run_outside_the_build_refuses_an_edited_raw_file(raw_copy: Path, tmp_path: Path) -> None:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    notebook = tmp_path / "reads_raw.ipynb"
    write_toy_notebook(notebook, f"from kzmv.data.loading import read_raw\nframe = read_raw({SOURCE!r})")
    _edit(raw_copy)
    with pytest.raises(PapermillExecutionError) as err:
        papermill.execute_notebook(
            str(notebook), str(tmp_path / "out.ipynb"), kernel_name="python3", progress_bar=False, start_timeout=180
        )
    assert err.value.ename == "PipelineError" and "checksum mismatch for raw file" in err.value.evalue


def test_fetching_again_undoes_an_edit_to_a_raw_file_and_says_so(tmp_path: Path) -> None:
    source = load_manifest()[SOURCE]
    toy = make_toy(tmp_path / "toy")
    entries = yaml.safe_load((ROOT / "data" / "sources.yml").read_text(encoding="utf-8"))["sources"]
    entry = next(e for e in entries if e["id"] == SOURCE)
    (toy / "data" / "sources.yml").write_text(yaml.safe_dump({"sources": [entry]}, sort_keys=False), encoding="utf-8")
    mirror = tmp_path / "mirror" / source.path
    mirror.parent.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "raw" / source.path, mirror)
    first = cli(toy, "data", KZMV_RAW_MIRROR=str(tmp_path / "mirror"))
    assert first.returncode == 0 and "warning" not in first.stderr, first.stderr
    fetched = toy / "data" / "raw" / source.path
    _edit(fetched)
    again = cli(toy, "data", KZMV_RAW_MIRROR=str(tmp_path / "mirror"))
    assert again.returncode == 0, again.stderr
    assert fetched.read_bytes() == mirror.read_bytes(), "the verified copy is back"
    warning = next(line for line in again.stderr.splitlines() if line.startswith("warning:"))
    assert (
        f"data/raw/{source.path} did not match its checksum" in warning and "replaced with the verified copy" in warning
    )
