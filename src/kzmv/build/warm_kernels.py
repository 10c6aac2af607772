"""Warm starts: boot a notebook's kernel while the notebooks it depends on still run.

Why: starting a kernel and importing pandas, matplotlib and the project package
costs about a second per notebook, the same in every notebook, whatever it
computes. Run strictly after its inputs exist, each notebook pays that second
on the build's critical path. Here a notebook's kernel starts as soon as a
boot slot is free, imports the modules the notebook itself imports, and then
waits at a :class:`Gate` until the runner says its inputs are ready (run) or
unchanged after all (skip). The executed notebook is the same as with a cold
kernel: the warm-up runs silently (no output, no history, no execution
count), and importing a module twice is a no-op.

A papermill engine (``kzmv-warm``) carries this, so papermill still injects
the parameters, records errors and writes the executed notebook.
``KZMV_WARM_KERNELS=0`` turns the warm start off (``make bench`` measures what
it saves): each kernel then starts only once its gate has opened to run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

ENGINE_NAME = "kzmv-warm"


def warm_enabled() -> bool:
    """Whether kernels boot ahead of their inputs; ``KZMV_WARM_KERNELS=0`` says no."""
    return os.environ.get("KZMV_WARM_KERNELS", "1") != "0"


class NotNeededError(Exception):
    """Raised in a warm kernel whose notebook turned out not to need running."""


class Gate:
    """The go-ahead for one notebook: opened once, to run or to skip."""

    def __init__(self) -> None:
        self._opened = threading.Event()
        self._run = False
        self.opened_at: float | None = None  # perf_counter() when it first opened

    def open(self, run: bool) -> None:
        """Let the notebook run (``run=True``) or stop it; only the first call counts."""
        if self._opened.is_set():
            return
        self._run = run
        self.opened_at = time.perf_counter()
        self._opened.set()

    def stop(self) -> None:
        """Say "do not run", even if the gate already opened to run (Ctrl-C): a kernel not yet past it stops there."""
        self._run = False
        self.open(run=False)

    def wait(self) -> bool:
        """Block until the gate opens; True means run the notebook."""
        self._opened.wait()
        return self._run


def warm_up_code(modules: list[str]) -> str:
    """Code that imports ``modules`` without binding a name, and ignores those that are not modules."""
    return (
        "def _kzmv_warm(names):\n"
        "    import importlib\n"
        "    for name in names:\n"
        "        try:\n"
        "            importlib.import_module(name)\n"
        "        except ImportError:\n"
        "            pass  # a name imported from a module, not a module; or a real error the notebook will report\n"
        f"_kzmv_warm({modules!r})\n"
        "del _kzmv_warm\n"
    )


_up: set[WarmStartClient] = set()  # kernels that have answered and not finished: to kill if they hang
_running: set[WarmStartClient] = set()  # of those, the ones past their gate, running the notebook's cells


def _signal_kernels(clients: set[WarmStartClient], signum: int) -> None:
    for client in list(clients):
        pgid = getattr(getattr(client.km, "provisioner", None), "pgid", None)
        if pgid:
            with contextlib.suppress(OSError):
                os.killpg(pgid, signum)


def interrupt_kernels() -> None:
    """Send SIGINT to every kernel running its notebook's cells.

    For Ctrl-C, or another notebook failing: the running cells stop at once,
    instead of the runner waiting for each notebook to run to its end. A kernel
    still starting or warming up is left alone: the closed gate stops it as
    soon as its warm-up is done. An interrupt that lands while ipykernel is
    between a request and the user's code is lost, and so is the request it
    interrupted, whose reply then never comes (ipykernel logs "KeyboardInterrupt
    caught in kernel"); the warm-up is all such windows and no work worth
    stopping, so it is never interrupted. A running notebook can still be
    caught between two cells, or run code that ignores SIGINT: hence
    :func:`kill_kernels`.
    """
    _signal_kernels(_running, signal.SIGINT)


def kill_kernels() -> None:
    """Kill every kernel still up: those an interrupt did not stop within the runner's grace period.

    nbclient then finds its kernel dead and the notebook's thread ends, so the
    build can exit; nothing a killed kernel wrote is published (it writes only
    into the stage).
    """
    _signal_kernels(_up, signal.SIGKILL)


class WarmStartClient(PapermillNotebookClient):
    """papermill's client, with a silent import step and a gate before the first cell.

    ``on_warm`` is called once the kernel is up and the imports are done (the
    runner frees a boot slot then); ``gate`` is waited on before the first cell.
    """

    def __init__(
        self,
        nb_man: Any,
        gate: Gate | None = None,
        warm_modules: list[str] | None = None,
        on_warm: Callable[[], None] | None = None,
        **kw: Any,
    ):
        super().__init__(nb_man, **kw)
        self.gate = gate
        self.warm_modules = warm_modules or []
        self.on_warm = on_warm

    def papermill_execute_cells(self) -> None:
        _up.add(self)  # called once the kernel has answered
        try:
            if self.warm_modules:
                msg_id = self.kc.execute(warm_up_code(self.warm_modules), silent=True, store_history=False)
                self.wait_for_reply(msg_id)
            if self.on_warm is not None:
                self.on_warm()
            if self.gate is not None and not self.gate.wait():
                raise NotNeededError
            _running.add(self)  # from now on an interrupt is worth sending (interrupt_kernels)
            super().papermill_execute_cells()
        finally:
            _running.discard(self)
            _up.discard(self)


class WarmStartEngine(NBClientEngine):
    """papermill's nbclient engine, running :class:`WarmStartClient`."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: int = 60,
        execution_timeout: int | None = None,
        gate: Gate | None = None,
        warm_modules: list[str] | None = None,
        on_warm: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> Any:
        # the same argument handling as papermill's NBClientEngine
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        if not warm_enabled() and gate is not None:
            # a cold start: free the boot slot at once, start the kernel only once told to run
            if on_warm is not None:
                on_warm()
            if not gate.wait():
                raise NotNeededError
            gate = warm_modules = on_warm = None
        client = WarmStartClient(nb_man, gate=gate, warm_modules=warm_modules, on_warm=on_warm, **final_kwargs)
        return client.execute()


papermill_engines.register(ENGINE_NAME, WarmStartEngine)
