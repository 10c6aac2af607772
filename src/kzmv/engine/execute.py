"""Running one notebook with papermill into the stage, and turning its failures into one message.

Each notebook runs through papermill's public API (:func:`papermill.execute_notebook`):
papermill injects the parameters, nbclient runs the cells in a kernel that
jupyter_client starts the usual way, and papermill writes the executed
notebook. Three documented settings shape the run:

* the kernel's working folder (nbclient's ``resources["metadata"]["path"]``)
  is the notebook's run folder, which holds the run file
  (:class:`kzmv.paths.RunContext`): where to write, and where to note what it
  read;
* the kernel's sockets and connection file go in a folder of the build's own
  (traitlets configuration of jupyter_client's ``KernelManager``), local
  sockets where the path is short enough and TCP on localhost otherwise;
* the kernel manager is jupyter_client's own, remembered by the engine
  (:func:`build_kernel_manager`), so that when one notebook fails or the user
  presses Ctrl-C, the kernels of the others are stopped with
  ``signal_kernel`` instead of running to their end.

What can go wrong in a notebook, and what the user is told:

* a cell raises: the notebook, the cell (its number in the source notebook and
  first line) and the error; the failed executed notebook is kept in
  ``.build/failed`` to look at;
* the kernel dies (killed, out of memory): the notebook and the cell it was
  running;
* a cell meets a full disk or a read-only folder: as a failing cell, with
  what to do.

Executed notebooks are stripped of timestamps, durations, absolute paths and
random ids before they are stored, so the same inputs give the same bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import shutil
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kzmv.engine.layout import executed_notebook
from kzmv.engine.pipeline import NotebookStep
from kzmv.errors import PipelineError

PAPERMILL_SETTINGS: dict[str, Any] = {
    # papermill otherwise rewrites (and re-validates) the whole executed notebook twice per
    # cell, in this process, where notebooks running side by side share one GIL; it still
    # writes the notebook once at the end, and on a failure before raising
    "request_save_on_cell_execute": False,
    # the notebook has written its files and its outputs are in hand by then; a graceful
    # shutdown would only add a few tenths of a second of polling per notebook
    "shutdown_kernel": "immediate",
}
# A local socket's path is limited to about 107 bytes; longer ones fall back to TCP on localhost.
MAX_SOCKET_PATH = 100

# errno texts a failing cell can show, and what the user should do about them
_CELL_FAULT_HINTS = {
    "[Errno 28]": "free some space on that disk, then run the build again",
    "[Errno 13]": "make that folder writable for you, then run the build again",
    "[Errno 30]": "the file system is read-only; build in a writable checkout",
}


class StoppedError(Exception):
    """Raised in a notebook's run when the build stops (another notebook failed, or Ctrl-C)."""


class KernelRegistry:
    """The kernels this build started, and whether the build is stopping."""

    def __init__(self) -> None:
        self.managers: list[Any] = []  # jupyter_client's AsyncKernelManager
        self.stopping = threading.Event()
        self._lock = threading.Lock()

    def add(self, manager: Any) -> None:
        with self._lock:
            self.managers.append(manager)

    def stop(self) -> None:
        """Stop every kernel now, and any kernel about to start its first cell."""
        self.stopping.set()
        with self._lock:
            managers = list(self.managers)
        for manager in managers:
            with contextlib.suppress(Exception):  # not started yet, or already gone
                if manager.has_kernel:
                    asyncio.run(manager.signal_kernel(signal.SIGKILL))


KERNELS = KernelRegistry()


@functools.cache
def build_kernel_manager() -> type:
    """jupyter_client's kernel manager, remembered in :data:`KERNELS` so that the build can stop it.

    Made on first use: a build with nothing to run never imports jupyter_client.
    """
    from jupyter_client.manager import AsyncKernelManager

    class BuildKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            KERNELS.add(self)

    return BuildKernelManager


@dataclass(frozen=True)
class NotebookJob:
    """One notebook to run: what it is, with which parameters, and where everything goes."""

    step: NotebookStep
    params: dict[str, Any]
    root: Path  # the project: the source notebook is read from here
    stage: Path  # outputs, the executed notebook included, are written here
    run_dir: Path  # the kernel's working folder, with the run file and the log of what it read
    failed_dir: Path  # a failed executed notebook is kept here
    ipc_dir: Path  # the kernel's sockets and connection file


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


def _source_cells(executed: Path) -> list[Any]:
    """The executed notebook's cells that come from the source notebook (papermill adds two)."""
    import nbformat

    return [
        cell
        for cell in nbformat.read(executed, as_version=4).cells
        if not {"injected-parameters", "papermill-error-cell-tag"} & set(cell.metadata.get("tags", []))
    ]


def _cell_label(number: int, cell: Any) -> str:
    first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
    return f"cell {number} (`{first_line[:60]}`)"


def describe_cell(executed: Path) -> str:
    """Name the failing cell as the author knows it: its number in the source notebook and first line."""
    for number, cell in enumerate(_source_cells(executed), start=1):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return _cell_label(number, cell)
    return "an unknown cell"


def _source_label(cell: Any, index: int, source: Path) -> str:
    """Name the cell at ``index`` of the executed notebook as the author knows it (papermill adds cells)."""
    import nbformat

    executed_ids = [c.get("id") for c in nbformat.read(source, as_version=4).cells]
    number = executed_ids.index(cell.get("id")) + 1 if cell.get("id") in executed_ids else index
    return _cell_label(number, cell)


def _keep_failed(job: NotebookJob, out: Path) -> tuple[Path | None, str]:
    """Copy the failed executed notebook to ``.build/failed``; ``(kept path, sentence for the message)``."""
    kept = job.failed_dir / f"{job.step.name}.ipynb"
    try:
        job.failed_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, kept)
    except OSError:
        return (out if out.is_file() else None), "the failed notebook could not be kept"
    where = kept.relative_to(job.root) if kept.is_relative_to(job.root) else kept
    return kept, f"the failed notebook is kept at {where}"


def kernel_config(job: NotebookJob) -> dict[str, Any]:
    """The kernel manager's settings: sockets and connection file in the build's own folder."""
    name = job.step.name
    socket = job.ipc_dir / name
    manager: dict[str, Any] = {"connection_file": str(job.ipc_dir / f"{name}.json")}
    if len(str(socket)) + 8 <= MAX_SOCKET_PATH:
        # local sockets: nothing listens on a port, and nothing else can connect
        manager |= {"transport": "ipc", "ip": str(socket)}
    return {"KernelManager": manager}


def execute(job: NotebookJob) -> dict[str, float]:
    """Run the notebook into the stage; return when (``time.perf_counter()``) it started and ended."""
    import nbformat
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError
    from traitlets.config import Config

    step, stage = job.step, job.stage
    source = job.root / step.path
    out = executed_notebook(stage, step.name)
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    running: dict[str, Any] = {}  # the cell being run, for a kernel that dies mid-cell (nbclient's public hook)

    def on_cell_start(cell: Any, cell_index: int) -> None:
        if KERNELS.stopping.is_set():
            raise StoppedError(step.name)
        running.update(cell=cell, index=cell_index)

    try:
        papermill.execute_notebook(
            str(source),
            str(out),
            parameters=job.params,
            kernel_name="python3",
            progress_bar=False,
            **PAPERMILL_SETTINGS,
            kernel_manager_class=build_kernel_manager(),
            on_cell_start=on_cell_start,
            config=Config(kernel_config(job)),
            start_timeout=180,  # kernels starting side by side on a busy 2-core machine can be slow
            # the kernel's working folder, set without os.chdir: papermill's own `cwd`
            # changes the whole process's folder, which races when notebooks run side by side
            resources={"metadata": {"path": str(job.run_dir)}},
        )
    except PapermillExecutionError as exc:
        kept, sentence = _keep_failed(job, out)
        # a PipelineError already speaks to the user; anything else is a bug worth naming
        reason = exc.evalue.strip() if exc.ename == "PipelineError" else f"{exc.ename}: {exc.evalue}"
        hint = next((h for code, h in _CELL_FAULT_HINTS.items() if code in exc.evalue), None)
        where = f"notebook {step.name} failed in {describe_cell(kept) if kept else 'a cell'}"
        what = f"{reason}{'; ' + hint if hint else ''}"
        # one line when the reason is one line; a reason listing several problems keeps its own lines
        if "\n" in what:
            raise PipelineError(f"{where}:\n{what}\n{sentence[:1].upper() + sentence[1:]}") from None
        raise PipelineError(f"{where}: {what}; {sentence}") from None
    except OSError as exc:  # papermill writing the executed notebook: a full disk, a read-only stage
        from kzmv.engine.faults import describe_os_error

        if exc.filename is None:
            exc = OSError(exc.errno, exc.strerror, str(out))
        raise PipelineError(
            f"notebook {step.name}: {describe_os_error(exc, 'writing its executed notebook')}"
        ) from None
    except DeadKernelError:
        if KERNELS.stopping.is_set():
            raise StoppedError(step.name) from None
        cell = _source_label(running["cell"], running["index"], source) if running else "its first cell"
        raise PipelineError(
            f"notebook {step.name}: its kernel died while running {cell} (killed, or out of memory?); "
            "run the build again, or open the notebook in JupyterLab to see why; the published outputs are unchanged"
        ) from None
    except RuntimeError:
        if KERNELS.stopping.is_set():  # its kernel was stopped while starting
            raise StoppedError(step.name) from None
        raise
    nb = nbformat.read(out, as_version=4)
    nbformat.write(clean_executed(nb), out)
    return {"start": started, "end": time.perf_counter()}
