"""The publish on synthetic folders: stopped after any step, the next command completes it or puts things back.

No kernel runs here: the stage is written by hand, and a "kill" is an
exception raised from the publish's own test hook after a given step, which
leaves the folders exactly as a SIGKILL at that moment would (the crash test
in ``test_crash.py`` does the same with real builds and real kills).
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kzmv.engine import publish as publishing
from kzmv.engine.layout import PUBLISHED, BuildPaths, output_digests
from kzmv.engine.publish import prepare_stage, publish, recover
from kzmv.errors import PipelineError

ROOT = Path(__file__).resolve().parents[1]
OLD_CACHE, NEW_CACHE = b'{"old": true}', b'{"new": true}'
# journal written, then per folder: moved aside, moved in; then the cache written
STEPS = 1 + 2 * len(PUBLISHED) + 1


class Killed(BaseException):
    """Stands for SIGKILL: nothing in the publish catches it."""


def _fill(base: Path, label: str) -> None:
    for rel in PUBLISHED:
        (base / rel).mkdir(parents=True, exist_ok=True)
        (base / rel / "a.txt").write_text(f"{label} {rel}")
    (base / "report" / "notebooks").mkdir(exist_ok=True)
    (base / "report" / "notebooks" / "n.ipynb").write_text(label)


@pytest.fixture
def project(tmp_path: Path) -> tuple[BuildPaths, dict[str, str], dict[str, str]]:
    """Published outputs "old" with their cache, a complete stage "new"; and the digests of both sets."""
    root = tmp_path / "proj"
    _fill(root, "old")
    paths = BuildPaths(root, pid=4242)
    paths.build_dir.mkdir()
    paths.cache_file.write_bytes(OLD_CACHE)
    old = output_digests(root)
    prepare_stage(paths)
    for rel in PUBLISHED:
        (paths.stage / rel / "a.txt").write_text(f"new {rel}")
    (paths.stage / "figures" / "only-new.svg").write_text("<svg/>")
    new = output_digests(paths.stage)
    return paths, old, new


def _kill_after(step: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []

    def pause(name: str) -> None:
        seen.append(name)
        if len(seen) == step:
            raise Killed(name)

    monkeypatch.setattr(publishing, "_pause", pause)
    return seen


@pytest.mark.parametrize("step", range(1, STEPS + 1))
def test_a_publish_killed_after_any_step_is_completed_by_the_next_command(
    project: tuple[BuildPaths, dict[str, str], dict[str, str]], monkeypatch: pytest.MonkeyPatch, step: int
) -> None:
    paths, _old, new = project
    seen = _kill_after(step, monkeypatch)
    with pytest.raises(Killed):
        publish(paths, NEW_CACHE)
    assert paths.journal.exists(), f"killed after {seen[-1]!r}: the journal says what to finish"
    lines: list[str] = []
    message = recover(BuildPaths(paths.root, pid=5353), lines.append)  # the next command is another process
    assert lines == [message] and message.startswith("recovered: build 4242 was stopped while publishing")
    assert output_digests(paths.root) == new
    assert paths.cache_file.read_bytes() == NEW_CACHE, "the cache agrees with what is published"
    assert sorted(p.name for p in paths.build_dir.iterdir()) == ["cache.json"], "nothing is left behind"
    assert recover(BuildPaths(paths.root, pid=5353), lines.append) is None, "and there is nothing more to do"


def test_a_publish_that_cannot_be_completed_is_undone(
    project: tuple[BuildPaths, dict[str, str], dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    paths, old, _new = project
    _kill_after(4, monkeypatch)  # data/processed is new, figures is aside, its new copy not yet in place
    with pytest.raises(Killed):
        publish(paths, NEW_CACHE)
    real_rename = os.rename

    def refuse_new_figures(src: str | Path, dst: str | Path) -> None:
        if Path(src) == paths.stage / "figures":
            raise PermissionError(errno.EACCES, "Permission denied", str(src))
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", refuse_new_figures)
    message = recover(BuildPaths(paths.root, pid=5353), lambda m: None)
    assert message is not None and "the previous outputs are back in place" in message
    assert "permission denied: " + str(paths.stage / "figures") in message
    assert output_digests(paths.root) == old
    assert paths.cache_file.read_bytes() == OLD_CACHE and not paths.journal.exists()


def test_a_rename_that_fails_mid_publish_puts_everything_back(
    project: tuple[BuildPaths, dict[str, str], dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    paths, old, _new = project
    real_rename = os.rename

    def refuse_report(src: str | Path, dst: str | Path) -> None:
        if Path(src) == paths.root / "report":
            raise PermissionError(errno.EACCES, "Permission denied", str(src))
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", refuse_report)
    with pytest.raises(PipelineError) as err:
        publish(paths, NEW_CACHE)
    assert str(err.value) == (
        f"could not publish: permission denied: {paths.root / 'report'}; make it writable for you "
        "(e.g. `chmod -R u+w` on it), then run the build again; the published outputs are unchanged"
    )
    assert output_digests(paths.root) == old
    assert paths.cache_file.read_bytes() == OLD_CACHE and not paths.journal.exists()


def _disk_full_for(target: Path, real_write: Callable[[Path, bytes], None]) -> Callable[[Path, bytes], None]:
    """``write_atomic`` as on a disk with no room left for ``target``; every other file is written."""

    def write(path: Path, data: bytes) -> None:
        if path == target:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real_write(path, data)

    return write


def test_a_full_disk_when_recording_the_cache_says_the_outputs_are_published(
    project: tuple[BuildPaths, dict[str, str], dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    paths, _old, new = project
    real_write = publishing.write_atomic
    monkeypatch.setattr(publishing, "write_atomic", _disk_full_for(paths.cache_file, real_write))
    with pytest.raises(PipelineError, match=r"^the new outputs are published, but no space left on device recording"):
        publish(paths, NEW_CACHE)
    assert output_digests(paths.root) == new
    monkeypatch.setattr(publishing, "write_atomic", real_write)  # space freed
    assert recover(BuildPaths(paths.root, pid=5353), lambda m: None) is not None
    assert paths.cache_file.read_bytes() == NEW_CACHE


def test_when_the_disk_is_still_full_the_next_command_puts_the_previous_outputs_back(
    project: tuple[BuildPaths, dict[str, str], dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The message promises both outcomes, and the next command keeps the one the disk allows."""
    paths, old, _new = project
    monkeypatch.setattr(publishing, "write_atomic", _disk_full_for(paths.cache_file, publishing.write_atomic))
    with pytest.raises(PipelineError) as err:
        publish(paths, NEW_CACHE)
    assert "completes the record once it can write there, and puts the previous outputs back if it still cannot" in (
        str(err.value)
    )
    message = recover(BuildPaths(paths.root, pid=5353), lambda m: None)
    assert message is not None and "the previous outputs are back in place" in message
    assert output_digests(paths.root) == old


def test_a_stage_without_a_journal_is_an_unfinished_build_and_is_removed(
    project: tuple[BuildPaths, dict[str, str], dict[str, str]],
) -> None:
    paths, old, _new = project
    assert recover(BuildPaths(paths.root, pid=5353), lambda m: None) is None
    assert not paths.stage.exists() and output_digests(paths.root) == old


def test_an_unreadable_journal_is_one_line_saying_what_to_check(
    project: tuple[BuildPaths, dict[str, str], dict[str, str]],
) -> None:
    paths, _old, _new = project
    paths.journal.write_text('{"version": 1, "stag')
    with pytest.raises(PipelineError, match=r"publish.json records a publish but cannot be read .* then delete it$"):
        recover(paths, lambda m: None)


def test_make_clean_without_a_venv_completes_the_publish_on_the_standard_library_alone(
    project: tuple[BuildPaths, dict[str, str], dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    paths, _old, new = project
    _kill_after(3, monkeypatch)
    with pytest.raises(Killed):
        publish(paths, NEW_CACHE)
    (paths.root / "pipeline.yml").write_text("notebooks: []\n")
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT / "src")}
    # -S: no site-packages, so nothing but the standard library and src/ can be imported
    done = subprocess.run(
        [sys.executable, "-S", "-m", "kzmv.engine.publish", "clean"],
        env=env,
        capture_output=True,
        text=True,
        cwd=paths.root,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("recovered: build 4242 was stopped while publishing")
    assert output_digests(paths.root) == new and not paths.build_dir.exists()


def test_the_journal_is_written_before_the_first_rename(
    project: tuple[BuildPaths, dict[str, str], dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    paths, _old, _new = project
    journals: list[dict] = []
    real_rename = os.rename

    def watch(src: str | Path, dst: str | Path) -> None:
        journals.append(json.loads(paths.journal.read_text()))
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", watch)
    publish(paths, NEW_CACHE)
    assert journals and all(j["cache"] == NEW_CACHE.decode() and j["stage"] == paths.stage.name for j in journals)
