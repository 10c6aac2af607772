"""Running one notebook with papermill into the stage, and turning its failures into one message.

The papermill call lives in :func:`execute` and nowhere else, so that the
kernel's start-up (:mod:`kzmv.build.warm_kernels`, :mod:`kzmv.build.fork_server`,
:mod:`kzmv.build.fork_provisioner`) is configured in one place.

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

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kzmv.build.layout import executed_notebook
from kzmv.build.spec import NotebookStep
from kzmv.errors import PipelineError

PAPERMILL_SETTINGS: dict[str, Any] = {
    # papermill otherwise rewrites (and re-validates) the whole executed notebook twice per
    # cell, in this process, where two notebooks share one GIL; it still writes the notebook
    # once at the end, and on a failure before raising
    "request_save_on_cell_execute": False,
    # the notebook has written its files and its outputs are in hand by then; a graceful
    # shutdown would only add a few tenths of a second of polling per notebook
    "shutdown_kernel": "immediate",
}

# errno texts a failing cell can show, and what the user should do about them
_CELL_FAULT_HINTS = {
    "[Errno 28]": "free some space on that disk, then run the build again",
    "[Errno 13]": "make that folder writable for you, then run the build again",
    "[Errno 30]": "the file system is read-only; build in a writable checkout",
}


@dataclass(frozen=True)
class NotebookJob:
    """One notebook to run: what it is, with which parameters, and where everything goes."""

    step: NotebookStep
    params: dict[str, Any]
    root: Path  # the project: the source notebook is read from here
    stage: Path  # outputs, the executed notebook included, are written here
    failed_dir: Path  # a failed executed notebook is kept here
    ipc_dir: Path  # the kernels' sockets


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


def execute(job: NotebookJob, gate: Any, on_warm: Callable[[], None]) -> dict[str, float] | None:
    """Boot the notebook's kernel, wait at ``gate``, run the notebook into the stage.

    The kernel is forked from the kernel template (:mod:`kzmv.build.fork_server`)
    if one is running, and started as a new Python process otherwise.

    Returns when (``time.perf_counter()``) the kernel started booting, was warm
    (the notebook's imports done), was let go and finished; or None if the gate
    said the notebook is not needed.
    """
    import nbformat
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError
    from traitlets.config import Config

    from kzmv.build.fork_provisioner import ForkedKernelManager
    from kzmv.build.fork_server import notebook_imports
    from kzmv.build.warm_kernels import ENGINE_NAME, NotNeededError

    step, params, root, stage, ipc_dir = job.step, job.params, job.root, job.stage, job.ipc_dir
    source = root / step.path
    out = executed_notebook(stage, step.name)
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    marks: dict[str, float] = {}

    def warm() -> None:
        if "warm" not in marks:
            marks["warm"] = time.perf_counter()
            on_warm()

    imports = notebook_imports([source])
    running: dict[str, Any] = {}  # the cell being run, for a kernel that dies mid-cell (nbclient's public hook)

    try:
        papermill.execute_notebook(
            str(source),
            str(out),
            parameters=params,
            kernel_name="python3",
            engine_name=ENGINE_NAME,
            kernel_manager_class=ForkedKernelManager,
            gate=gate,
            warm_modules=imports,
            on_warm=warm,
            progress_bar=False,
            **PAPERMILL_SETTINGS,
            on_cell_start=lambda cell, cell_index: running.update(cell=cell, index=cell_index),
            # a local socket instead of TCP ports on 127.0.0.1: nothing to eavesdrop on,
            # and ipykernel does not print its plain-TCP warning for every notebook; and the
            # modules this notebook imports, so that the template forks its kernel as soon as
            # those are imported (kzmv.build.fork_server)
            config=Config(
                {
                    "KernelManager": {"transport": "ipc", "ip": str(ipc_dir / step.name)},
                    "ForkedKernelManager": {"template_needs": imports},
                }
            ),
            start_timeout=180,  # kernels starting side by side on a busy 2-core machine can be slow
            # the kernel's working folder, set without os.chdir: papermill's own `cwd`
            # changes the whole process's folder, which races when notebooks run side by side
            resources={"metadata": {"path": str(source.parent)}},
        )
    except NotNeededError:
        return None
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
        from kzmv.build.faults import describe_os_error

        if exc.filename is None:
            exc = OSError(exc.errno, exc.strerror, str(out))
        raise PipelineError(
            f"notebook {step.name}: {describe_os_error(exc, 'writing its executed notebook')}"
        ) from None
    except DeadKernelError:
        cell = _source_label(running["cell"], running["index"], source) if running else "its first cell"
        raise PipelineError(
            f"notebook {step.name}: its kernel died while running {cell} (killed, or out of memory?); "
            "run the build again, or open the notebook in JupyterLab to see why; the published outputs are unchanged"
        ) from None
    finally:
        warm()  # the runner counts this kernel as booted even if it never got that far
    nb = nbformat.read(out, as_version=4)
    nbformat.write(clean_executed(nb), out)
    return {"boot": started, "warm": marks["warm"], "go": gate.opened_at or marks["warm"], "end": time.perf_counter()}
