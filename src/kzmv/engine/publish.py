"""Staging and publishing: what is published is the previous complete set of outputs or the new one.

The published outputs are three folders that git tracks as real folders
(``data/processed``, ``figures``, ``report``), so a publish is a swap of three
folders by rename, and nothing can make three renames one atomic step. What
can be had is a publish that, however it is stopped, ends as one of the two
complete sets, with the cache agreeing:

1. The build writes everything into its stage (``.build/stage-<pid>``), a copy
   of the published folders. Published outputs are not touched until every
   notebook and the render have succeeded.
2. The stage is ``fsync``-ed, then the **journal** ``.build/publish.json`` is
   written atomically and ``fsync``-ed: which folders move where, and the new
   cache. From this moment the new set is complete on disk and the publish is
   decided.
3. Each folder is renamed aside into ``.build/previous-<pid>`` and its staged
   copy renamed into place; then the cache is written atomically; then the
   journal is removed. Only then are the previous outputs deleted.

Every command (``kzmv report``, ``data``, ``clean``, and :func:`kzmv.engine.runner.build`)
first calls :func:`recover` under the build lock. If it finds a journal, a build
was stopped mid-publish (killed, a power cut, a full disk): it completes the
renames the journal lists, writes the cache recorded there and removes the
journal, saying so in one line. If a rename cannot be completed (a folder made
read-only meanwhile, say), it puts the previous folders back instead. A stage
without a journal is an unfinished build and is simply removed.

What an observer can see. Between two renames (microseconds, or as long as a
kill or power cut leaves it) a folder can be missing, or ``data/processed`` can
be new while ``figures`` is still old. No build acts on that state: the next
command repairs it first. Someone opening ``report/index.html`` at that instant
sees the previous report or the new one, each complete.

While a publish runs, Ctrl-C and SIGTERM are held back and acted on when it
is done, so an interrupt never leaves the folders mixed.

Test hook: with ``KZMV_TEST_PUBLISH_PAUSE=SECONDS`` set, the publish prints a
line ``kzmv-test-hook: publish <step>`` to stderr after each of its steps and
then sleeps that long, so that a test can kill the build inside the publish
window at a known step. Nothing else reads it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kzmv.engine.faults import describe_os_error, signals_deferred
from kzmv.engine.layout import PUBLISHED, BuildPaths
from kzmv.errors import PipelineError
from kzmv.safe_files import fsync_dir, fsync_tree, make_tree_writable, remove_tree, write_atomic

PAUSE_ENV = "KZMV_TEST_PUBLISH_PAUSE"
JOURNAL_VERSION = 1

Log = Callable[[str], None]


def _pause(step: str) -> None:
    """The test hook (see the module docstring); does nothing unless ``KZMV_TEST_PUBLISH_PAUSE`` is set."""
    seconds = os.environ.get(PAUSE_ENV)
    if seconds:
        print(f"kzmv-test-hook: publish {step}", file=sys.stderr, flush=True)
        time.sleep(float(seconds))


# --- the stage -------------------------------------------------------------------------------------------


def prepare_stage(paths: BuildPaths) -> Path:
    """A fresh stage holding a copy of the published outputs, writable whatever their modes."""
    stage = paths.stage
    remove_tree(stage)
    for rel in PUBLISHED:
        published = paths.root / rel
        if published.is_dir():
            try:  # copy2: sizes and mtimes kept, see kzmv.engine.cache
                shutil.copytree(published, stage / rel, symlinks=True, copy_function=_copy_or_stop)
            except _CopyFailedError as failed:
                raise failed.error from None
        else:
            (stage / rel).mkdir(parents=True)
    make_tree_writable(stage)
    return stage


class _CopyFailedError(Exception):
    """Carries a file's copy error out of ``copytree``, which would otherwise go on and bundle every error."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def _copy_or_stop(src: str, dst: str) -> None:
    """``shutil.copy2``, stopping the whole copy at the first error (a full disk fails every later file too)."""
    try:
        shutil.copy2(src, dst)
    except OSError as exc:
        raise _CopyFailedError(exc) from None


def clear_outputs(stage: Path, rels: list[str]) -> None:
    """Remove files from the stage before the notebook that writes them runs, so a file it fails to write shows."""
    for rel in rels:
        (stage / rel).unlink(missing_ok=True)


def discard(paths: BuildPaths) -> None:
    """Remove this build's stage and previous folders (after a failure, or once published).

    Not while a journal names them: then they are what the next command completes the publish from.
    """
    with contextlib.suppress(OSError):
        remove_tree(paths.run_dir)
    if paths.journal.exists():
        return
    for folder in (paths.stage, paths.previous):
        with contextlib.suppress(
            OSError
        ):  # a kernel of this build, still dying, may write there: the next build removes it
            remove_tree(folder)


# --- renames ---------------------------------------------------------------------------------------------


class _Swap:
    """The renames of one publish, between the project, the stage and the previous folder."""

    def __init__(self, root: Path, stage: Path, previous: Path, existed: list[str]) -> None:
        self.root, self.stage, self.previous, self.existed = root, stage, previous, existed

    def forward(self, rel: str) -> None:
        """Move the published folder aside and the staged one in; a step already done is skipped."""
        target, new, old = self.root / rel, self.stage / rel, self.previous / rel
        if not new.exists():
            if not target.exists():
                raise FileNotFoundError(2, "neither the staged nor the published folder exists", str(target))
            return  # done
        if target.exists():
            if old.exists():
                raise FileExistsError(17, "both the published and the previous folder exist", str(old))
            old.parent.mkdir(parents=True, exist_ok=True)
            os.rename(target, old)
            _pause(f"moved {rel} aside")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(new, target)
        _pause(f"moved the new {rel} in")

    def back(self, rel: str) -> None:
        """Undo :meth:`forward` for ``rel``, from whichever step it reached."""
        target, new, old = self.root / rel, self.stage / rel, self.previous / rel
        if not new.exists() and target.exists() and (old.exists() or rel not in self.existed):
            new.parent.mkdir(parents=True, exist_ok=True)
            os.rename(target, new)
        if old.exists() and not target.exists():
            os.rename(old, target)

    def sync(self) -> None:
        """Make the renames durable before the journal goes."""
        folders = {self.root, self.stage, self.previous}
        folders |= {(base / rel).parent for base in folders for rel in PUBLISHED}
        for folder in folders:
            if folder.is_dir():
                fsync_dir(folder)


def _check_movable(root: Path) -> None:
    """Fail before the journal, not between renames, if a published folder cannot be moved (read-only)."""
    for rel in PUBLISHED:
        folder = root / rel
        for path in (folder, folder.parent):
            if path.exists() and not os.access(path, os.W_OK | os.X_OK):
                raise PipelineError(
                    f"cannot publish: {path} is read-only; make it writable (`chmod u+w {path}`) and run the "
                    "build again; the published outputs are unchanged"
                )


def publish(paths: BuildPaths, cache: bytes) -> None:
    """Swap the stage into place and record ``cache``, so that the outputs are always one complete set.

    Call it with the build lock held and inside :func:`kzmv.engine.faults.signals_deferred`, so that
    Ctrl-C cannot cut it short and the caller knows, when the interrupt is raised, that it finished.
    """
    root, stage, previous = paths.root, paths.stage, paths.previous
    _check_movable(root)
    fsync_tree(stage)
    remove_tree(previous)
    previous.mkdir(parents=True)
    existed = [rel for rel in PUBLISHED if (root / rel).exists()]
    journal = {
        "version": JOURNAL_VERSION,
        "pid": paths.pid,
        "stage": stage.name,
        "previous": previous.name,
        "existed": existed,
        "cache": cache.decode(),
    }
    swap = _Swap(root, stage, previous, existed)
    write_atomic(paths.journal, json.dumps(journal).encode())
    _pause("journal written")
    done: list[str] = []
    try:
        for rel in PUBLISHED:
            done.append(rel)
            swap.forward(rel)
    except OSError as exc:
        _undo(paths, swap, done, exc)
    try:
        write_atomic(paths.cache_file, cache)
        _pause("cache written")
        swap.sync()
        paths.journal.unlink()
        fsync_dir(paths.build_dir)
    except OSError as exc:
        raise PipelineError(
            f"the new outputs are published, but {describe_os_error(exc, 'recording the build cache')} "
            f"(the journal {paths.journal} keeps what to record): the next command completes the record once it "
            "can write there, and puts the previous outputs back if it still cannot"
        ) from None
    discard(paths)


def _put_back(paths: BuildPaths, swap: _Swap, folders: Sequence[str]) -> None:
    """Rename the previous copies of ``folders`` back into place, last first, and drop the journal.

    Both a failed publish and a recovery that cannot complete one end this way;
    an ``OSError`` here means neither set is whole, which each caller reports.
    """
    for rel in reversed(folders):
        swap.back(rel)
    swap.sync()
    paths.journal.unlink()


def _undo(paths: BuildPaths, swap: _Swap, done: list[str], exc: OSError) -> None:
    """A rename failed mid-publish: put the previous folders back, drop the journal, and say what happened."""
    try:
        _put_back(paths, swap, done)
    except OSError as again:
        raise PipelineError(
            f"publishing failed ({describe_os_error(exc)}) and the previous outputs could not be put back "
            f"({describe_os_error(again)}); the next command retries from {paths.journal}"
        ) from None
    raise PipelineError(f"could not publish: {describe_os_error(exc)}; the published outputs are unchanged") from None


# --- recovery --------------------------------------------------------------------------------------------


def _read_journal(paths: BuildPaths) -> dict[str, Any] | None:
    try:
        text = paths.journal.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        journal = json.loads(text)
        if journal.get("version") != JOURNAL_VERSION:
            raise ValueError(f"version {journal.get('version')!r}")
        return journal
    except (ValueError, AttributeError) as exc:
        raise PipelineError(
            f"{paths.journal} records a publish but cannot be read ({exc}); check that data/processed, figures and "
            "report are complete (`git status`), then delete it"
        ) from None


def recover(paths: BuildPaths, log: Log) -> str | None:
    """Finish (or, failing that, undo) a publish that was stopped midway; clear what dead builds left.

    Call with the build lock held. Returns the line it logged, if it had anything to repair.
    """
    journal = _read_journal(paths)
    message = None
    if journal is not None:
        build_dir = paths.build_dir
        stage, previous = build_dir / journal["stage"], build_dir / journal["previous"]
        swap = _Swap(paths.root, stage, previous, list(journal["existed"]))
        with signals_deferred():
            try:
                for rel in PUBLISHED:
                    swap.forward(rel)
                write_atomic(paths.cache_file, journal["cache"].encode())
                swap.sync()
                paths.journal.unlink()
                message = (
                    f"recovered: build {journal['pid']} was stopped while publishing; its publish is now complete "
                    "(data/processed, figures and report are its full set of outputs)"
                )
            except OSError as exc:
                try:
                    _put_back(paths, swap, PUBLISHED)
                except OSError as again:
                    raise PipelineError(
                        f"build {journal['pid']} was stopped while publishing, and its publish can be neither "
                        f"completed ({describe_os_error(exc)}) nor undone ({describe_os_error(again)})"
                    ) from None
                message = (
                    f"recovered: build {journal['pid']} was stopped while publishing and its publish could not be "
                    f"completed ({describe_os_error(exc)}); the previous outputs are back in place"
                )
        fsync_dir(build_dir)
        log(message)
        for folder in (stage, previous):
            with contextlib.suppress(OSError):
                remove_tree(folder)
    for leftover in paths.leftovers():
        # an unfinished build's stage: never published, nothing to keep; if one of its kernels,
        # still dying, writes there meanwhile, the next command tries again
        with contextlib.suppress(OSError):
            remove_tree(leftover)
    return message


def clean(paths: BuildPaths, log: Log) -> None:
    """Repair an interrupted publish, then remove ``.build`` (whatever modes are inside it)."""
    recover(paths, log)
    remove_tree(paths.build_dir)


def main(argv: list[str] | None = None) -> int:
    """``python -m kzmv.engine.publish clean``: what ``make clean`` runs where no virtual environment exists.

    Standard library only, so that it works before ``make venv``; without the
    environment no build of this checkout can be running, so no lock is needed.
    """
    from kzmv import paths as project_paths

    args = sys.argv[1:] if argv is None else argv
    if args != ["clean"]:
        print("usage: python -m kzmv.engine.publish clean", file=sys.stderr)
        return 2
    try:
        clean(BuildPaths(project_paths.project_root()), lambda m: print(m, file=sys.stderr))
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
