"""The DAG loop: run the notebooks that are not up to date, side by side where their upstream allows.

A build's state is carried in two objects with named fields: a
:class:`BuildPlan` (what was asked: the pipeline, the parameters, which
notebooks, how many at a time) and a :class:`DagRun` (where it runs, what the
cache said, and the loop's own bookkeeping).

A notebook is considered once every notebook upstream of it is done: it is
skipped if its key is unchanged and its outputs intact, and run otherwise (at
most ``jobs`` at a time, the longest chain of notebooks first). Its key takes
in what it read in its last run, so it is computed only once the notebooks
upstream have written what it reads.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzmv.engine.cache import CacheFile, Entry, fingerprints, step_key, up_to_date
from kzmv.engine.execute import KERNELS, NotebookJob, StoppedError, execute
from kzmv.engine.layout import BuildPaths, executed_notebook, socket_dir
from kzmv.engine.pipeline import NotebookStep, Pipeline
from kzmv.engine.publish import clear_outputs
from kzmv.errors import PipelineError
from kzmv.paths import RunContext
from kzmv.safe_files import remove_tree

# How long notebooks still running get to end once the build stops (their kernels were killed)
# before the build stops waiting for them.
STOP_GRACE_S = 10.0


@dataclass
class BuildResult:
    """What a build did, for the command line's summary line and the bench."""

    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    rendered: bool = False
    seconds: float = 0.0
    # per notebook, seconds from the build's start to its start and end; and the render's duration
    timings: dict[str, Any] = field(default_factory=dict)
    # what changed against the outputs this build replaced, in a paragraph (kzmv.engine.diff); "" if nothing ran
    changes: str = ""


@dataclass(frozen=True)
class BuildPlan:
    """What a build was asked to do, checked: every value here has passed the pipeline spec."""

    pipeline: Pipeline
    params: dict[str, dict[str, Any]]  # per notebook, every parameter's value
    selected: frozenset[str]  # the notebooks that may run (``--only`` and what is downstream of it)
    force: bool
    jobs: int
    env_key: str  # the package code and pins, see kzmv.engine.cache.environment_key
    # source id -> release: raw releases used instead of the manifest's active ones (VINTAGE=), checked
    vintages: dict[str, str] = field(default_factory=dict)

    def key(self, name: str, root: Path, base: Path, reads: list[str]) -> str:
        """Notebook ``name``'s key, with what it read last time; published files are read from ``base``."""
        step = self.pipeline.step(name)
        upstream = self.pipeline.upstream_outputs(name)
        return step_key(step, self.params[name], root, base, self.env_key, upstream, reads, self.vintages)


def declared_outputs(step: NotebookStep) -> list[str]:
    """The files a notebook writes: its declared outputs and its executed copy."""
    return [*step.outputs, executed_notebook(Path(), step.name).as_posix()]


def critical_path_lengths(pipeline: Pipeline) -> dict[str, int]:
    """For each notebook, how many notebooks the longest dependency chain through it holds.

    The runner starts, among the notebooks ready to run, those on the longest
    chain first: a notebook that others wait for in turn (the trade chapter,
    after the data preparation and before the argument) would otherwise wait
    for a slot behind one that only the argument waits for.
    """
    order = pipeline.order()
    deps = pipeline.dependencies()
    upstream: dict[str, int] = {}
    for name in order:
        upstream[name] = 1 + max((upstream[d] for d in deps[name]), default=0)
    downstream: dict[str, int] = {}
    for name in reversed(order):
        downstream[name] = 1 + max((downstream[m] for m in order if name in deps[m]), default=0)
    return {name: upstream[name] + downstream[name] - 1 for name in order}


def start_order(pipeline: Pipeline) -> list[str]:
    """The order in which the runner considers notebooks: longest chain first, then topological order."""
    order = pipeline.order()
    chain = critical_path_lengths(pipeline)
    return sorted(order, key=lambda n: (-chain[n], order.index(n)))


@dataclass
class DagRun:
    """One pass over the DAG. :meth:`run` returns the cache entries of the notebooks it ran."""

    plan: BuildPlan
    paths: BuildPaths
    cache: CacheFile  # what is published now
    result: BuildResult
    log: Callable[[str], None]
    ran: dict[str, Entry] = field(default_factory=dict)

    def fresh(self, name: str) -> tuple[bool, str]:
        """Whether ``name`` may be skipped (not forced, same key, outputs intact), and its key now."""
        entry = self.cache.notebooks.get(name)
        key = self.plan.key(name, self.paths.root, self.paths.stage, entry.reads if entry else [])
        return not self.plan.force and up_to_date(entry, key, self.paths.stage), key

    def _job(self, name: str, ipc_dir: Path) -> NotebookJob:
        paths = self.paths
        run_dir = paths.run_dir / name
        remove_tree(run_dir)
        run_dir.mkdir(parents=True)
        RunContext(name, paths.root, paths.stage, run_dir / "reads.txt", dict(self.plan.vintages)).write(run_dir)
        step = self.plan.pipeline.step(name)
        return NotebookJob(step, self.plan.params[name], paths.root, paths.stage, run_dir, paths.failed, ipc_dir)

    def run(self) -> dict[str, Entry]:
        from tqdm import tqdm

        from kzmv.engine.layout import reclaim_socket_dirs

        plan = self.plan
        deps = plan.pipeline.dependencies()
        pending = start_order(plan.pipeline)
        done: set[str] = set()
        running: dict[Future[dict[str, float]], str] = {}
        reclaim_socket_dirs()
        ipc_dir = socket_dir()
        bar = tqdm(total=len(pending), desc="notebooks", unit="nb", file=sys.stderr, disable=None)
        pool = ThreadPoolExecutor(max_workers=max(1, plan.jobs))
        KERNELS.stopping.clear()
        try:
            while pending or running:
                for name in list(pending):
                    if not deps[name] <= done:
                        continue
                    fresh, _ = self.fresh(name)
                    if name not in plan.selected or fresh:
                        pending.remove(name)
                        self.result.skipped.append(name)
                        done.add(name)
                        bar.update(1)
                    elif len(running) < max(1, plan.jobs):
                        pending.remove(name)
                        # what the notebook writes is removed first, so an output it fails to write shows
                        clear_outputs(self.paths.stage, declared_outputs(plan.pipeline.step(name)))
                        self.log(f"running {name} ({plan.pipeline.step(name).title})")
                        running[pool.submit(execute, self._job(name, ipc_dir))] = name
                if not running:
                    continue  # skipping made others ready
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    name = running.pop(future)
                    error = future.exception()
                    if error is not None:
                        raise error
                    self._finished(name, future.result())
                    done.add(name)
                    bar.update(1)
        except BaseException:
            # Ctrl-C, or a notebook failed: the other notebooks' kernels are stopped now, rather
            # than each notebook running to its end before the build can say what happened
            KERNELS.stop()
            raise
        finally:
            unfinished = wait(running, timeout=STOP_GRACE_S).not_done if running else set()
            if unfinished:
                KERNELS.stop()  # a kernel that started after the first stop
            pool.shutdown(wait=not unfinished, cancel_futures=True)
            remove_tree(ipc_dir)
            bar.close()
        return self.ran

    def _finished(self, name: str, marks: dict[str, float]) -> None:
        """Record a notebook that ran; fail, naming it and the path, if it did not write a declared output
        or read another notebook's output without declaring that notebook upstream."""
        pipeline = self.plan.pipeline
        step = pipeline.step(name)
        stage = self.paths.stage
        missing = [rel for rel in step.outputs if not (stage / rel).is_file()]
        if missing:
            raise PipelineError(
                f"notebook {name} did not write its declared output {missing[0]}"
                f"{f' (and {len(missing) - 1} more)' if len(missing) > 1 else ''}; make the notebook write it, "
                "or remove it from the notebook's writes in pipeline.yml"
            )
        reads = self._reads(name)
        writers, upstream = pipeline.writers(), pipeline.ancestors(name)
        for key in reads:
            writer = writers.get(key)
            if writer is not None and writer != name and writer not in upstream:
                raise PipelineError(
                    f"notebook {name} read {key}, which {writer} writes, but does not name {writer} among its "
                    f"upstream notebooks in pipeline.yml; add it, so that {writer} runs first"
                )
        self.result.ran.append(name)
        self.result.timings[name] = marks
        # the key is computed again with what it read this time: the same inputs give the same key next time
        key = self.plan.key(name, self.paths.root, stage, reads)
        self.ran[name] = Entry(key=key, outputs=fingerprints(stage, declared_outputs(step)), reads=reads)

    def _reads(self, name: str) -> list[str]:
        """What the notebook read, as the data layer noted it in its run folder."""
        log = self.paths.run_dir / name / "reads.txt"
        try:
            lines = log.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        return sorted({line for line in lines if line})


__all__ = ["BuildPlan", "BuildResult", "DagRun", "StoppedError"]
