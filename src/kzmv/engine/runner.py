"""The runner: build what changed, render the report, publish all or nothing.

:func:`build` ties the build's parts together, each in its own module:

* **one build at a time** per checkout (:mod:`kzmv.engine.lock`);
* **self-repair first**: a publish that a kill or a power cut stopped midway is
  completed (or undone) before anything else (:mod:`kzmv.engine.publish`);
* **parameters and pipeline.yml checked** in full before any kernel starts
  (:mod:`kzmv.engine.pipeline`, :mod:`kzmv.params`);
* **incremental**: a notebook whose key (source, parameters, package code,
  pinned environment, its upstream notebooks' outputs and what it read) is
  unchanged and whose outputs are intact is skipped (:mod:`kzmv.engine.cache`);
  a changed one reruns, and so does everything downstream of it whose inputs change;
* **staged**: notebooks run side by side into ``.build/stage-<pid>``
  (:mod:`kzmv.engine.dag`, :mod:`kzmv.engine.execute`), the render too;
* **all or nothing**: the stage replaces the published folders only when
  everything succeeded, with a journal that makes the swap recoverable, and the
  cache is recorded with it (:mod:`kzmv.engine.publish`);
* **deterministic**: executed notebooks are stripped of timestamps, durations,
  absolute paths and random ids before they are stored.

Every failure reaches the caller as a :class:`~kzmv.errors.PipelineError`
whose message says what failed, where, what to do and, truthfully, what state
the published outputs are in.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kzmv import paths as project_paths
from kzmv.engine.cache import CacheFile, Entry, environment_key, fingerprints, load_cache, render_key, up_to_date
from kzmv.engine.dag import BuildPlan, BuildResult, DagRun
from kzmv.engine.execute import PAPERMILL_SETTINGS, clean_executed
from kzmv.engine.faults import (
    BuildInterruptedError,
    describe_os_error,
    interrupted_by,
    signal_of,
    signals_deferred,
)
from kzmv.engine.layout import PUBLISHED, BuildPaths, copy_project, executed_notebook, output_digests
from kzmv.engine.lock import build_lock
from kzmv.engine.pipeline import Pipeline, load_pipeline
from kzmv.engine.publish import discard, prepare_stage, publish, recover
from kzmv.errors import PipelineError
from kzmv.safe_files import write_atomic

__all__ = [
    "PAPERMILL_SETTINGS",
    "PUBLISHED",
    "BuildResult",
    "build",
    "clean_executed",
    "copy_project",
    "output_digests",
]

RENDERED = ("report/index.html",)
UNTOUCHED = "this build published nothing: data/processed, figures and report are as they were before it"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def _render_env(plan: BuildPlan) -> str:
    """What the report's key takes from the environment: the code, and the releases used instead of the active
    ones, since the report's data note names them."""
    if not plan.vintages:
        return plan.env_key
    return f"{plan.env_key}+{json.dumps(plan.vintages, sort_keys=True)}"


def _is_up_to_date(plan: BuildPlan, cache: CacheFile, root: Path) -> bool:
    """The no-op check: every notebook and the report fresh against what is published."""
    if plan.force:
        return False
    names = [s.name for s in plan.pipeline.notebooks]
    for name in names:
        entry = cache.notebooks.get(name)
        if entry is None or not up_to_date(entry, plan.key(name, root, root, entry.reads), root):
            return False
    return up_to_date(cache.render, render_key(root, root, _render_env(plan), names), root)


def build(
    overrides: dict[str, dict[str, Any]] | None = None,
    only: list[str] | None = None,
    force: bool = False,
    jobs: int = 2,
    log: Callable[[str], None] = _stderr,
    raw_verified: bool = False,
    wait: bool = True,
    root: Path | None = None,
    vintages: dict[str, str] | None = None,
) -> BuildResult:
    """Run what changed, render the report, publish. Raise PipelineError on any failure.

    ``vintages`` (source id -> release) builds with other raw releases than the manifest's active
    ones (``make report VINTAGE=...``); the report's data note and the build's summary name them.

    ``raw_verified`` says the caller has just fetched and checksummed the raw
    files (as ``kzmv report`` does), so they are not hashed a second time.
    ``wait=False`` fails at once (:class:`~kzmv.engine.faults.BuildBusyError`)
    if another build holds this checkout's lock, instead of waiting for it.
    ``root`` is the checkout to build (by default the one this code runs in).
    """
    started = time.perf_counter()
    paths = BuildPaths(root or project_paths.project_root())
    try:
        with build_lock(paths, wait=wait, log=log):
            recover(paths, log)
            result = _build_locked(paths, overrides or {}, only, force, jobs, log, raw_verified, vintages or {})
            for name, marks in result.timings.items():
                if isinstance(marks, dict):
                    result.timings[name] = {k: v - started for k, v in marks.items()}
            with contextlib.suppress(OSError):  # for `make bench`: a full disk must not fail a published build
                write_atomic(paths.timings, json.dumps(_rounded(result.timings), indent=1).encode())
    except KeyboardInterrupt as exc:  # waiting for the lock, recovering or checking: nothing of this build is out
        signum = signal_of(exc)
        raise BuildInterruptedError(f"{interrupted_by(signum)}: {UNTOUCHED}", signum) from None
    result.seconds = time.perf_counter() - started
    return result


def _build_locked(
    paths: BuildPaths,
    overrides: dict[str, dict[str, Any]],
    only: list[str] | None,
    force: bool,
    jobs: int,
    log: Callable[[str], None],
    raw_verified: bool,
    vintages: dict[str, str],
) -> BuildResult:
    from kzmv.data.manifest import load_manifest, with_vintages

    root = paths.root
    _check_package_origin(root)
    pipeline = load_pipeline(root / "pipeline.yml")
    params = pipeline.resolve_all(overrides)
    manifest = with_vintages(load_manifest(root / "data" / "sources.yml"), vintages) if vintages else None
    selected = pipeline.order() if only is None else pipeline.downstream({pipeline.step(n).name for n in only})
    plan = BuildPlan(pipeline, params, frozenset(selected), force, jobs, environment_key(root), dict(vintages))
    if jobs < 1:
        raise PipelineError(f"--jobs {jobs}: at least one notebook must be able to run; give --jobs 1 or more")
    cache = load_cache(paths, log)
    result = BuildResult()
    if _is_up_to_date(plan, cache, root):
        result.skipped = pipeline.order()
        log(f"Nothing to do: all {len(result.skipped)} notebooks and the report are up to date.")
        return result
    if not raw_verified:
        from kzmv.data.fetch import verify_all

        verify_all(manifest)
    published = False
    try:
        prepare_stage(paths)
        ran = DagRun(plan, paths, cache, result, log).run()
        _keep_only_declared(pipeline, paths, log)
        new_cache = _new_cache(plan, paths, cache, ran, result)
        result.changes = _changes(paths)
        with signals_deferred():  # Ctrl-C now waits until the publish is complete
            publish(paths, new_cache.to_bytes())
            published = True
    except KeyboardInterrupt as exc:
        state = "the new outputs were published in full" if published else UNTOUCHED
        signum = signal_of(exc)
        raise BuildInterruptedError(f"{interrupted_by(signum)}: {state}", signum) from None
    except OSError as exc:
        raise PipelineError(f"build failed: {describe_os_error(exc)}; {UNTOUCHED}") from None
    finally:
        if not published:
            discard(paths)
    return result


def _keep_only_declared(pipeline: Pipeline, paths: BuildPaths, log: Callable[[str], None]) -> None:
    """The published folders hold exactly what the notebooks declare, and what the engine writes.

    A file a notebook wrote without declaring it would be published with no
    notebook answerable for it: the build stops, naming it. A file published by
    an earlier build that no notebook declares any more (a renamed figure, a
    dropped table) would stay in the downloads for ever: it is removed, and
    the build says so.
    """
    declared = set(pipeline.writers()) | {RENDERED[0]}
    declared |= {executed_notebook(Path(), s.name).as_posix() for s in pipeline.notebooks}
    new, stale = [], []
    for folder in PUBLISHED:
        for path in sorted((paths.stage / folder).rglob("*")):
            rel = path.relative_to(paths.stage).as_posix()
            if path.is_file() and rel not in declared:
                (stale if (paths.root / rel).exists() else new).append(rel)
    if new:
        more = f" (and {len(new) - 1} more)" if len(new) > 1 else ""
        raise PipelineError(
            f"a notebook wrote {new[0]}{more}, which no notebook declares: add it to the writes of the notebook "
            "that makes it in pipeline.yml (tables: data/processed/<name>.csv, figures: figures/<name>.svg and .png)"
        )
    for rel in stale:
        (paths.stage / rel).unlink()
    if stale:
        log(f"removed {len(stale)} published file(s) that no notebook declares any more: {', '.join(stale[:5])}")


def _check_package_origin(root: Path) -> None:
    """Stop, in one line, a build whose kernels would run another checkout's code.

    A copied or moved checkout keeps the original's ``.venv``, whose package is
    installed from the original's ``src/``: once either is edited, the build
    would key the cache on this checkout's code while the kernels imported the
    other's. ``make`` reinstalls the package before every command
    (:mod:`kzmv.engine.venv`); this covers ``python -m kzmv.cli`` run by hand.
    """
    import kzmv
    from kzmv.engine.venv import foreign_package

    foreign = foreign_package(root, Path(kzmv.__file__).parent)
    if foreign is not None:
        raise PipelineError(
            f"this environment runs another checkout's code, from {foreign.parent}, not this checkout's "
            f"{root / 'src'} (a copied or moved checkout?): run `make report`, which installs this checkout's "
            "package into .venv"
        )


def _new_cache(
    plan: BuildPlan, paths: BuildPaths, cache: CacheFile, ran: dict[str, Entry], result: BuildResult
) -> CacheFile:
    """Render the report if anything changed, and the cache that describes the stage as it will be published."""
    root, stage = paths.root, paths.stage
    names = [s.name for s in plan.pipeline.notebooks]
    key = render_key(root, stage, _render_env(plan), names)
    if plan.force or result.ran or not up_to_date(cache.render, key, stage):
        from kzmv.data.manifest import load_manifest, vintage_note
        from kzmv.engine.render import render_report

        (stage / RENDERED[0]).unlink(missing_ok=True)
        render_started = time.perf_counter()
        note = vintage_note(load_manifest(root / "data" / "sources.yml"), plan.vintages)
        render_report(plan.pipeline, stage, root, note)
        result.timings["render"] = time.perf_counter() - render_started
        result.rendered = True
        render_entry = Entry(key=key, outputs=fingerprints(stage, RENDERED))
    else:
        render_entry = cache.render
    notebooks = {n: e for n, e in cache.notebooks.items() if n in names and n not in ran} | ran
    return CacheFile(notebooks=dict(sorted(notebooks.items())), render=render_entry)


def _changes(paths: BuildPaths) -> str:
    """What the stage changes against the published outputs, in one paragraph (:func:`kzmv.engine.diff.summary`).

    Computed only when something ran, so the no-op build pays nothing. A summary is a courtesy: if
    it cannot be made (an output it cannot parse), the build still publishes and says so.
    """
    from kzmv.engine.diff import FolderOutputs, compare, summary

    if not (paths.root / "report" / "notebooks").is_dir():
        return "A first build: there were no published outputs to compare with."
    try:
        return summary(compare(FolderOutputs(paths.root), FolderOutputs(paths.stage, checkout=paths.root)))
    except (PipelineError, OSError, ValueError, KeyError, TypeError) as exc:
        return f"What changed could not be summarised ({type(exc).__name__}: {exc}); run `make diff` after the build."


def _rounded(timings: dict[str, Any]) -> dict[str, Any]:
    return {k: _rounded(v) if isinstance(v, dict) else round(v, 2) for k, v in timings.items()}
