"""The runner: execute the notebook DAG with papermill and publish atomically.

Why it is built this way:

* **Atomic publish.** Everything is written into ``.build/stage`` (a copy of the
  current outputs); ``data/processed``, ``figures`` and ``report`` are replaced
  only when every notebook and the render succeeded. A failed or interrupted
  run leaves the published outputs exactly as they were, and keeps the failed
  executed notebook in ``.build/failed`` for inspection.
* **Incremental.** Each notebook has a content key (its source, parameters,
  inputs, the shared package and the pinned environment). A notebook whose key
  is unchanged is skipped; a changed one reruns, and so does everything
  downstream of it, because their inputs' hashes change.
* **Deterministic.** Executed notebooks are stripped of timestamps, durations,
  absolute paths and random ids before they are stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kzmv import paths
from kzmv.build.spec import NotebookStep, Pipeline, load_pipeline
from kzmv.errors import PipelineError
from kzmv.yamlio import once_per_file_version

PUBLISHED = ("data/processed", "figures", "report")
ENV_FILES = ("requirements.txt", "pyproject.toml")


PAPERMILL_SETTINGS: dict[str, Any] = {
    # papermill otherwise rewrites (and re-validates) the whole executed notebook twice per
    # cell, in this process, where two notebooks share one GIL; it still writes the notebook
    # once at the end, and on a failure before raising
    "request_save_on_cell_execute": False,
    # the notebook has written its files and its outputs are in hand by then; a graceful
    # shutdown would only add a few tenths of a second of polling per notebook
    "shutdown_kernel": "immediate",
}

CACHES = frozenset({".venv", ".build", ".git", "test-artifacts", ".pytest_cache", ".ruff_cache", "__pycache__"})


def output_digests(base: Path) -> dict[str, str]:
    """sha256 of every published output under ``base``, by relative path: what "unchanged" means."""
    return {
        p.relative_to(base).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for rel in PUBLISHED
        for p in sorted((base / rel).rglob("*"))
        if p.is_file()
    }


def copy_project(root: Path, dest: Path, with_outputs: bool = False) -> Path:
    """Copy the project's sources (never the fetched raw data, venv or caches) to ``dest``.

    Without outputs the copy is what a cold build starts from; with them, what a
    user's checkout looks like before a rebuild.
    """
    skipped = {root / "data" / "raw"} | ({root / rel for rel in PUBLISHED} if not with_outputs else set())

    def ignore(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if n in CACHES or Path(folder) / n in skipped]

    shutil.copytree(root, dest, ignore=ignore)
    return dest


def _hash_bytes(*chunks: bytes) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(hashlib.sha256(chunk).digest())
    return digest.hexdigest()


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"


def environment_key(root: Path) -> str:
    """What every notebook depends on besides its declared inputs: code and pins."""
    files = sorted((root / "src" / "kzmv").rglob("*.py")) + [root / f for f in ENV_FILES]
    return _hash_bytes(
        *(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() for f in files if f.is_file())
    )


@once_per_file_version
def _manifest_checksums(path: Path) -> dict[str, str]:
    """Source id -> sha256 from the manifest, parsed once per version of the file.

    Every ``raw:`` input of every notebook needs it, several times per build.
    """
    from kzmv.data.manifest import load_manifest

    return {sid: source.sha256 for sid, source in load_manifest(path).items()}


def _resolve_input(spec: str, root: Path, stage: Path) -> list[tuple[str, str]]:
    """``(name, content hash)`` pairs for one declared input."""
    if spec.startswith("raw:"):
        checksums = _manifest_checksums(root / "data" / "sources.yml")
        wanted = spec.removeprefix("raw:")
        ids = list(checksums) if wanted == "*" else [wanted]
        return [(f"raw:{i}", checksums[i]) for i in ids]
    base = stage if spec.startswith(PUBLISHED) else root
    return [(spec, _file_hash(base / spec))]


def step_key(step: NotebookStep, params: dict[str, Any], root: Path, stage: Path, env_key: str) -> str:
    parts = [
        step.name.encode(),
        (root / step.path).read_bytes(),
        json.dumps(params, sort_keys=True).encode(),
        env_key.encode(),
    ]
    for spec in step.inputs:
        for name, digest in _resolve_input(spec, root, stage):
            parts.append(f"{name}={digest}".encode())
    return _hash_bytes(*parts)


def clean_executed(nb: Any) -> Any:
    """Strip what differs between two runs of the same notebook on the same inputs.

    That includes the interpreter: the kernel reports its exact Python version
    (``language_info.version``), which would make the committed notebooks differ
    between two supported Pythons that compute the same results.
    """
    meta = nb.metadata
    pm = meta.get("papermill", {})
    meta["papermill"] = {k: pm[k] for k in ("parameters", "default_parameters") if k in pm}
    meta.pop("widgets", None)
    meta.get("language_info", {}).pop("version", None)
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
        elif not cell.get("id"):
            cell["id"] = f"cell-{index}"
    return nb


@dataclass
class BuildResult:
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    rendered: bool = False
    seconds: float = 0.0
    # per notebook, seconds from the build's start to: kernel booting, kernel warm, go-ahead, done;
    # and the render's duration
    timings: dict[str, Any] = field(default_factory=dict)


def _copy_published(root: Path, stage: Path) -> None:
    if stage.exists():
        shutil.rmtree(stage)
    for rel in PUBLISHED:
        src = root / rel
        if src.exists():
            shutil.copytree(src, stage / rel)
        else:
            (stage / rel).mkdir(parents=True)


def _publish(root: Path, stage: Path, build_dir: Path) -> None:
    """Swap the staged outputs in, one rename per folder."""
    old = build_dir / "old"
    if old.exists():
        shutil.rmtree(old)
    old.mkdir(parents=True)
    for rel in PUBLISHED:
        target = root / rel
        if target.exists():
            (old / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(target, old / rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(stage / rel, target)
    shutil.rmtree(old)
    shutil.rmtree(stage)


def _describe_cell(executed: Path) -> str:
    """Name the failing cell as the author knows it: its number in the source notebook and first line.

    Papermill adds two cells to the executed notebook (an error banner at the top
    and the injected parameters), so both are discounted.
    """
    import nbformat

    number = 0
    for cell in nbformat.read(executed, as_version=4).cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags or "papermill-error-cell-tag" in tags:
            continue
        number += 1
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            return f"cell {number} (`{first_line[:60]}`)"
    return "an unknown cell"


def _execute(
    step: NotebookStep,
    params: dict[str, Any],
    root: Path,
    stage: Path,
    failed_dir: Path,
    gate: Any,
    on_warm: Callable[[], None],
    ipc_dir: Path,
) -> dict[str, float] | None:
    """Boot the notebook's kernel, wait at ``gate``, run the notebook into the stage.

    The kernel is forked from the kernel template (:mod:`kzmv.build.fork_server`)
    if one is running, and started as a new Python process otherwise.

    Returns when (``time.perf_counter()``) the kernel started booting, was warm
    (the notebook's imports done), was let go and finished; or None if the gate
    said the notebook is not needed.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError
    from traitlets.config import Config

    from kzmv.build.fork_provisioner import ForkedKernelManager
    from kzmv.build.fork_server import notebook_imports
    from kzmv.build.warm_kernels import ENGINE_NAME, NotNeededError

    source = root / step.path
    out = stage / "report" / "notebooks" / f"{step.name}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    marks: dict[str, float] = {}

    def warm() -> None:
        if "warm" not in marks:
            marks["warm"] = time.perf_counter()
            on_warm()

    try:
        papermill.execute_notebook(
            str(source),
            str(out),
            parameters=params,
            kernel_name="python3",
            engine_name=ENGINE_NAME,
            kernel_manager_class=ForkedKernelManager,
            gate=gate,
            warm_modules=notebook_imports([source]),
            on_warm=warm,
            progress_bar=False,
            **PAPERMILL_SETTINGS,
            # a local socket instead of TCP ports on 127.0.0.1: nothing to eavesdrop on,
            # and ipykernel does not print its plain-TCP warning for every notebook
            config=Config({"KernelManager": {"transport": "ipc", "ip": str(ipc_dir / step.name)}}),
            start_timeout=180,  # kernels starting side by side on a busy 2-core machine can be slow
            # the kernel's working folder, set without os.chdir: papermill's own `cwd`
            # changes the whole process's folder, which races when notebooks run side by side
            resources={"metadata": {"path": str(source.parent)}},
        )
    except NotNeededError:
        return None
    except PapermillExecutionError as exc:
        failed_dir.mkdir(parents=True, exist_ok=True)
        kept = failed_dir / f"{step.name}.ipynb"
        shutil.copyfile(out, kept)
        # a PipelineError already speaks to the user; anything else is a bug worth naming
        reason = exc.evalue.strip() if exc.ename == "PipelineError" else f"{exc.ename}: {exc.evalue}"
        raise PipelineError(
            f"notebook {step.name} failed in {_describe_cell(kept)}:\n"
            f"{reason}\nThe failed notebook is kept at {kept.relative_to(root)}"
        ) from None
    finally:
        warm()  # the runner counts this kernel as booted even if it never got that far
    nb = nbformat.read(out, as_version=4)
    nbformat.write(clean_executed(nb), out)
    return {"boot": started, "warm": marks["warm"], "go": gate.opened_at or marks["warm"], "end": time.perf_counter()}


def build(
    overrides: dict[str, dict[str, Any]] | None = None,
    only: list[str] | None = None,
    force: bool = False,
    jobs: int = 2,
    log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
    raw_verified: bool = False,
) -> BuildResult:
    """Run what changed, render the report, publish. Raise PipelineError on failure.

    ``raw_verified`` says the caller has just fetched and checksummed the raw
    files (as ``kzmv report`` does), so they are not hashed a second time.
    """
    started = time.perf_counter()
    root = paths.project_root()
    pipeline: Pipeline = load_pipeline(root / "pipeline.yml")
    overrides = overrides or {}
    for name in overrides:
        pipeline.step(name)
    params = {s.name: s.resolve(overrides.get(s.name, {})) for s in pipeline.notebooks}
    selected = set(pipeline.order()) if only is None else pipeline.downstream({pipeline.step(n).name for n in only})

    build_dir = root / ".build"
    stage = build_dir / "stage"
    cache_path = build_dir / "cache.json"
    cache: dict[str, str] = json.loads(cache_path.read_text()) if cache_path.is_file() else {}
    env_key = environment_key(root)
    result = BuildResult()

    # Fast path: nothing changed since the last successful build.
    keys_now = {s.name: step_key(s, params[s.name], root, root, env_key) for s in pipeline.notebooks}
    render_key_now = _render_key(root, root, env_key)
    if (
        not force
        and all(cache.get(n) == k for n, k in keys_now.items())
        and cache.get("__render__") == render_key_now
        and (root / "report" / "index.html").is_file()
    ):
        result.skipped = pipeline.order()
        result.seconds = time.perf_counter() - started
        log(f"Nothing to do: all {len(result.skipped)} notebooks and the report are up to date.")
        return result

    if not raw_verified:
        from kzmv.data.fetch import verify_all

        verify_all()
    _copy_published(root, stage)
    saved_env = {k: os.environ.get(k) for k in ("KZMV_OUTPUT_ROOT", "KZMV_PROJECT_ROOT")}
    os.environ["KZMV_OUTPUT_ROOT"] = str(stage)
    os.environ["KZMV_PROJECT_ROOT"] = str(root)
    new_cache = dict(cache)
    try:
        _run_dag(
            pipeline,
            params,
            selected,
            force,
            root,
            stage,
            build_dir,
            env_key,
            keys_now,
            cache,
            new_cache,
            result,
            jobs,
            log,
        )
        render_key = _render_key(root, stage, env_key)
        if (
            force
            or cache.get("__render__") != render_key
            or not (root / "report" / "index.html").is_file()
            or result.ran
        ):
            from kzmv.build.render import render_report

            render_started = time.perf_counter()
            render_report(pipeline, stage, root)
            result.timings["render"] = time.perf_counter() - render_started
            result.rendered = True
        new_cache["__render__"] = _render_key(root, stage, env_key)
        _publish(root, stage, build_dir)
    except KeyboardInterrupt:
        raise PipelineError("interrupted: the published outputs were left as they were") from None
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    # keys are recomputed against the published outputs so the next run can skip
    for s in pipeline.notebooks:
        if s.name in new_cache:
            new_cache[s.name] = step_key(s, params[s.name], root, root, env_key)
    cache_path.write_text(json.dumps(new_cache, indent=1, sort_keys=True))
    for name, marks in result.timings.items():
        if isinstance(marks, dict):
            result.timings[name] = {k: v - started for k, v in marks.items()}
    (build_dir / "timings.json").write_text(json.dumps(_rounded(result.timings), indent=1))
    result.seconds = time.perf_counter() - started
    return result


def _rounded(timings: dict[str, Any]) -> dict[str, Any]:
    return {k: _rounded(v) if isinstance(v, dict) else round(v, 2) for k, v in timings.items()}


def _render_key(root: Path, base: Path, env_key: str) -> str:
    nbs = sorted((base / "report" / "notebooks").glob("*.ipynb"))
    extras = [root / "pipeline.yml", root / "data" / "sources.yml", root / "data" / "dictionary.yml"]
    return _hash_bytes(env_key.encode(), *(p.read_bytes() for p in nbs + [e for e in extras if e.is_file()]))


def _likely_to_run(
    pipeline: Pipeline, selected: set[str], force: bool, keys: dict[str, str], cache: dict[str, str], stage: Path
) -> set[str]:
    """The notebooks that will probably run: changed now, or downstream of one that will.

    ``keys`` are the notebooks' keys before anything ran. Only these notebooks get a
    kernel started ahead of their inputs. A notebook downstream of a change may still
    be skipped, if its inputs come out byte-identical; its warm kernel is then shut
    down unused.
    """
    deps = pipeline.dependencies()
    likely: set[str] = set()
    for name in pipeline.order():
        if name not in selected:
            continue
        executed = stage / "report" / "notebooks" / f"{name}.ipynb"
        if force or cache.get(name) != keys[name] or not executed.is_file() or deps[name] & likely:
            likely.add(name)
    return likely


def _preload_list(pipeline: Pipeline, root: Path, names: list[str]) -> list[str]:
    """Every module the notebooks ``names`` import at top level, for the kernel template."""
    from kzmv.build.fork_server import notebook_imports

    return notebook_imports(root / pipeline.step(name).path for name in names)


def _run_dag(
    pipeline, params, selected, force, root, stage, build_dir, env_key, keys, cache, new_cache, result, jobs, log
) -> None:
    """Run the notebooks that changed, at most ``jobs`` at a time, each as soon as its inputs are ready.

    Kernels of the notebooks likely to run boot ahead of their inputs, ``jobs``
    at a time and in topological order (so the notebooks that can start first
    get their kernels first), then wait at a gate. A notebook's gate opens when
    every notebook it reads from has finished and a run slot is free; it opens
    to "skip" instead if its inputs came out unchanged. Worker threads report
    to this loop through one queue, so it reacts to whichever happens first.
    """
    from tqdm import tqdm

    from kzmv.build import fork_server as kernel_template
    from kzmv.build.warm_kernels import Gate

    jobs = max(1, jobs)
    deps = pipeline.dependencies()
    order = pipeline.order()
    likely = _likely_to_run(pipeline, selected, force, keys, cache, stage)
    to_boot = [n for n in order if n in likely]
    # Kernels are forked from a template process that has imported what the notebooks
    # import: one import for all of them instead of one each. ``kzmv report`` starts the
    # template before anything else; called otherwise, the build starts its own.
    own_template = None
    if to_boot and kernel_template.fork_enabled() and kernel_template.active() is None:
        own_template = kernel_template.KernelTemplate(_preload_list(pipeline, root, to_boot))
    failed_dir = build_dir / "failed"
    events: queue.Queue[tuple[str, str, Future | None]] = queue.Queue()
    gates: dict[str, Gate] = {}
    futures: dict[str, Future] = {}
    booting: set[str] = set()
    running: set[str] = set()
    done: set[str] = set()
    pending = list(order)
    bar = tqdm(total=len(order), desc="notebooks", unit="nb", file=sys.stderr, disable=None)
    pool = ThreadPoolExecutor(max_workers=len(order))
    # the kernels' sockets; a short path, as a socket's path is limited to about 100 characters
    ipc_dir = Path(tempfile.mkdtemp(prefix="kzmv-"))

    def launch(name: str) -> None:
        gates[name] = Gate()
        booting.add(name)
        future = pool.submit(
            _execute,
            pipeline.step(name),
            params[name],
            root,
            stage,
            failed_dir,
            gates[name],
            lambda: events.put(("warm", name, None)),
            ipc_dir,
        )
        future.add_done_callback(lambda f: events.put(("done", name, f)))
        futures[name] = future

    try:
        while True:
            while to_boot and len(booting) < jobs:
                launch(to_boot.pop(0))
            for name in list(pending):
                if not deps[name] <= done:
                    continue
                key = step_key(pipeline.step(name), params[name], root, stage, env_key)
                executed = stage / "report" / "notebooks" / f"{name}.ipynb"
                if name not in selected or (not force and cache.get(name) == key and executed.is_file()):
                    pending.remove(name)
                    if name in to_boot:
                        to_boot.remove(name)
                    if name in gates:
                        gates[name].open(run=False)
                    result.skipped.append(name)
                    done.add(name)
                    bar.update(1)
                elif len(running) < jobs:
                    pending.remove(name)
                    if name in to_boot:
                        to_boot.remove(name)
                    if name not in gates:
                        launch(name)
                    new_cache.pop(name, None)
                    log(f"running {name} ({pipeline.step(name).title})")
                    running.add(name)
                    gates[name].open(run=True)
            if not pending and not running:
                break
            kind, name, future = events.get()
            booting.discard(name)
            if kind == "done" and future is not None and name in running:
                error = future.exception()
                if error is not None:
                    raise error
                running.discard(name)
                done.add(name)
                result.ran.append(name)
                result.timings[name] = future.result()
                new_cache[name] = "ran"
                bar.update(1)
    except KeyboardInterrupt:
        from kzmv.build.warm_kernels import interrupt_kernels

        # Ctrl-C: kernels still starting stop at their gate, running cells stop now,
        # rather than each notebook running to its end before the runner can exit
        for gate in gates.values():
            gate.stop()
        interrupt_kernels()
        raise
    finally:
        # every kernel still waiting is told to stop, so no thread is left behind
        for gate in gates.values():
            gate.open(run=False)
        pool.shutdown(wait=True, cancel_futures=True)
        if own_template is not None:
            own_template.close()
        shutil.rmtree(ipc_dir, ignore_errors=True)
        bar.close()
