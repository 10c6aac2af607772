"""The DAG loop: run the notebooks that are not up to date, side by side where their inputs allow.

A build's state is carried in two objects with named fields: a
:class:`BuildPlan` (what was asked: the pipeline, the parameters, which
notebooks, how many at a time) and a :class:`DagRun` (where it runs, what the
cache said, and the loop's own bookkeeping), instead of a dozen positional
arguments handed from function to function.
"""

from __future__ import annotations

import os
import queue
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzmv.build.cache import CacheFile, Entry, fingerprints, step_key, up_to_date
from kzmv.build.execute import NotebookJob, execute
from kzmv.build.layout import BuildPaths, executed_notebook, socket_dir
from kzmv.build.publish import clear_outputs
from kzmv.build.spec import NotebookStep, Pipeline
from kzmv.errors import PipelineError

# How long the notebooks' kernels get to stop by themselves once the build ends (a cell interrupted
# by Ctrl-C, or after another notebook failed) before those still up are killed.
INTERRUPT_GRACE_S = 5.0


@dataclass
class BuildResult:
    """What a build did, for the command line's summary line and the bench."""

    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    rendered: bool = False
    seconds: float = 0.0
    # per notebook, seconds from the build's start to: kernel booting, kernel warm, go-ahead, done;
    # and the render's duration
    timings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BuildPlan:
    """What a build was asked to do, checked: every value here has passed the pipeline spec."""

    pipeline: Pipeline
    params: dict[str, dict[str, Any]]  # per notebook, every parameter's value
    selected: frozenset[str]  # the notebooks that may run (``--only`` and what is downstream of it)
    force: bool
    jobs: int
    env_key: str  # the package code and pins, see kzmv.build.cache.environment_key

    def key(self, name: str, root: Path, base: Path) -> str:
        """Notebook ``name``'s key, its published inputs read from ``base``."""
        return step_key(self.pipeline.step(name), self.params[name], root, base, self.env_key)


def declared_outputs(step: NotebookStep) -> list[str]:
    """The files a notebook writes: its declared outputs and its executed copy."""
    return [*step.outputs, executed_notebook(Path(), step.name).as_posix()]


def critical_path_lengths(pipeline: Pipeline) -> dict[str, int]:
    """For each notebook, how many notebooks the longest dependency chain through it holds.

    The runner starts, among the notebooks ready to run, those on the longest
    chain first: durations are not known before a build, and a notebook that
    others wait for in turn (the trade chapter, after the data preparation and
    before the argument) would otherwise wait for a slot behind one that only
    the argument waits for, and finish alone at the end.
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
    """The order in which the runner considers notebooks: longest chain first, then topological order.

    Only the notebooks whose inputs are ready are started, so this is a priority
    among them, not a running order (which the dependencies still decide).
    """
    order = pipeline.order()
    chain = critical_path_lengths(pipeline)
    return sorted(order, key=lambda n: (-chain[n], order.index(n)))


def _preload_list(pipeline: Pipeline, root: Path, names: list[str]) -> list[str]:
    """Every module the notebooks ``names`` import at top level, for the kernel template."""
    from kzmv.build.fork_server import notebook_imports

    return notebook_imports(root / pipeline.step(name).path for name in names)


@dataclass
class DagRun:
    """One pass over the DAG. :meth:`run` returns the cache entries of the notebooks it ran.

    Kernels of the notebooks likely to run boot ahead of their inputs, ``jobs``
    at a time and in topological order (so the notebooks that can start first
    get their kernels first), then wait at a gate. A notebook's gate opens when
    every notebook it reads from has finished and a run slot is free; it opens
    to "skip" instead if it turns out up to date (its inputs came out
    unchanged and its outputs are intact). Worker threads report to this loop
    through one queue, so it reacts to whichever happens first.
    """

    plan: BuildPlan
    paths: BuildPaths
    cache: CacheFile  # what is published now
    result: BuildResult
    log: Callable[[str], None]
    ran: dict[str, Entry] = field(default_factory=dict)
    _events: queue.Queue[tuple[str, str, Future | None]] = field(default_factory=queue.Queue)
    _gates: dict[str, Any] = field(default_factory=dict)
    _booting: set[str] = field(default_factory=set)
    _running: set[str] = field(default_factory=set)
    _done: set[str] = field(default_factory=set)
    _keys: dict[str, str] = field(default_factory=dict)

    def fresh(self, name: str, key: str) -> bool:
        """Whether ``name`` may be skipped: not forced, same key, and every output it wrote still intact."""
        return not self.plan.force and up_to_date(self.cache.notebooks.get(name), key, self.paths.stage)

    def likely_to_run(self) -> set[str]:
        """The notebooks that will probably run: not up to date now, or downstream of one that is not.

        Only these get a kernel started ahead of their inputs. A notebook
        downstream of a change may still be skipped, if its inputs come out
        byte-identical; its warm kernel is then shut down unused.
        """
        plan, stage = self.plan, self.paths.stage
        deps = plan.pipeline.dependencies()
        likely: set[str] = set()
        for name in plan.pipeline.order():
            if name in plan.selected and (
                not self.fresh(name, plan.key(name, self.paths.root, stage)) or deps[name] & likely
            ):
                likely.add(name)
        return likely

    def run(self) -> dict[str, Entry]:
        from tqdm import tqdm

        from kzmv.build import fork_server as kernel_template
        from kzmv.build.layout import reclaim_socket_dirs

        plan, root, stage = self.plan, self.paths.root, self.paths.stage
        order = start_order(plan.pipeline)
        deps = plan.pipeline.dependencies()
        jobs = max(1, plan.jobs)
        # kernels boot for the notebooks that can start at once before those that must wait
        likely = self.likely_to_run()
        to_boot = sorted((n for n in order if n in likely), key=lambda n: bool(deps[n] & likely))
        pending = list(order)
        # Kernels are forked from a template process that has imported what the notebooks
        # import: one import for all of them instead of one each. ``kzmv report`` starts the
        # template before anything else; called otherwise, the build starts its own.
        reclaim_socket_dirs()
        ipc_dir = socket_dir()
        own_template = None
        if to_boot and kernel_template.fork_enabled() and kernel_template.active() is None:
            own_template = kernel_template.KernelTemplate(_preload_list(plan.pipeline, root, to_boot))
        bar = tqdm(total=len(order), desc="notebooks", unit="nb", file=sys.stderr, disable=None)
        pool = ThreadPoolExecutor(max_workers=len(order))
        futures: list[Future[Any]] = []
        # connection files go beside the sockets, so that nothing of a kernel outlives the build's clean-up
        saved_runtime = os.environ.get("JUPYTER_RUNTIME_DIR")
        os.environ["JUPYTER_RUNTIME_DIR"] = str(ipc_dir)

        def launch(name: str) -> None:
            from kzmv.build.warm_kernels import Gate

            self._gates[name] = gate = Gate()
            self._booting.add(name)
            job = NotebookJob(plan.pipeline.step(name), plan.params[name], root, stage, self.paths.failed, ipc_dir)
            future = pool.submit(execute, job, gate, lambda: self._events.put(("warm", name, None)))
            futures.append(future)
            future.add_done_callback(lambda f: self._events.put(("done", name, f)))

        try:
            while True:
                while to_boot and len(self._booting) < jobs:
                    launch(to_boot.pop(0))
                for name in list(pending):
                    if not deps[name] <= self._done:
                        continue
                    key = plan.key(name, root, stage)
                    if name not in plan.selected or self.fresh(name, key):
                        pending.remove(name)
                        if name in to_boot:
                            to_boot.remove(name)
                        if name in self._gates:
                            self._gates[name].open(run=False)
                        self.result.skipped.append(name)
                        self._done.add(name)
                        bar.update(1)
                    elif len(self._running) < jobs:
                        pending.remove(name)
                        if name in to_boot:
                            to_boot.remove(name)
                        if name not in self._gates:
                            launch(name)
                        # what the notebook writes is removed first, so an output it fails to write shows
                        clear_outputs(stage, declared_outputs(plan.pipeline.step(name)))
                        self._keys[name] = key
                        self.log(f"running {name} ({plan.pipeline.step(name).title})")
                        self._running.add(name)
                        self._gates[name].open(run=True)
                if not pending and not self._running:
                    break
                kind, name, future = self._events.get()
                self._booting.discard(name)
                if kind == "done" and future is not None and name in self._running:
                    error = future.exception()
                    if error is not None:
                        raise error
                    self._finished(name, future.result())
                    bar.update(1)
        except BaseException:
            from kzmv.build.warm_kernels import interrupt_kernels

            # Ctrl-C, or a notebook failed: kernels still starting stop at their gate, running cells
            # stop now, rather than each notebook running to its end before the runner can exit
            for gate in self._gates.values():
                gate.stop()
            interrupt_kernels()
            raise
        finally:
            # every kernel still waiting is told to stop, so no thread is left behind
            for gate in self._gates.values():
                gate.open(run=False)
            if wait(futures, timeout=INTERRUPT_GRACE_S).not_done:
                from kzmv.build.warm_kernels import kill_kernels

                kill_kernels()  # a kernel the interrupt did not stop (see interrupt_kernels): nbclient sees it die
            pool.shutdown(wait=True, cancel_futures=True)
            if own_template is not None:
                own_template.close()
            if saved_runtime is None:
                os.environ.pop("JUPYTER_RUNTIME_DIR", None)
            else:
                os.environ["JUPYTER_RUNTIME_DIR"] = saved_runtime
            from kzmv.build.safe_files import remove_tree

            remove_tree(ipc_dir)
            bar.close()
        return self.ran

    def _finished(self, name: str, marks: dict[str, float]) -> None:
        """Record a notebook that ran; fail, naming it and the path, if it did not write a declared output."""
        step = self.plan.pipeline.step(name)
        stage = self.paths.stage
        missing = [rel for rel in step.outputs if not (stage / rel).is_file()]
        if missing:
            raise PipelineError(
                f"notebook {name} did not write its declared output {missing[0]}"
                f"{f' (and {len(missing) - 1} more)' if len(missing) > 1 else ''}; make the notebook write it, "
                "or remove it from the notebook's outputs in pipeline.yml"
            )
        self._running.discard(name)
        self._done.add(name)
        self.result.ran.append(name)
        self.result.timings[name] = marks
        self.ran[name] = Entry(key=self._keys[name], outputs=fingerprints(stage, declared_outputs(step)))
