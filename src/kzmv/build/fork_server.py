"""The kernel template: one process that imports once and forks a kernel per notebook.

Why: every notebook kernel otherwise starts a fresh Python and imports ipykernel,
pandas, matplotlib, pandera and the project package, about a second
of CPU each. On a two-core machine four such starts compete with the
notebooks' own work. This process pays for those imports once; each kernel is
then a ``fork()`` of it that starts ipykernel exactly as ``python -m
ipykernel_launcher`` would, with the connection file, working folder and
environment the runner asked for.

Started by :class:`KernelTemplate` as ``python -m kzmv.build.fork_server
REPLY_FD MODULE...``. It reads one JSON request per line
on stdin (``{"argv": [...], "cwd": ..., "env": {...}}``) and answers each on
``REPLY_FD`` with ``{"pid": ...}``; its first line there is ``{"ready": true}``.
It exits when stdin closes. Only the standard library is imported before the
preload, and no thread is started, so forking is safe. This module holds the
runner's handle on the process too, so that ``kzmv report`` can start it
before importing anything heavy itself; the jupyter_client side is in
:mod:`kzmv.build.fork_provisioner`.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import gc
import importlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_active: KernelTemplate | None = None


def fork_enabled() -> bool:
    """Forking needs POSIX ``fork``; ``KZMV_FORK_KERNELS=0`` turns it off (to compare, or to rule it out)."""
    return hasattr(os, "fork") and os.environ.get("KZMV_FORK_KERNELS", "1") != "0"


def active() -> KernelTemplate | None:
    """The template kernels are forked from now, if one is running."""
    return _active


class KernelTemplate:
    """A running template process; :meth:`fork_kernel` gets a new kernel from it.

    It starts importing at once, so the first kernel is ready about one import
    time later; requests are answered one at a time, from any thread. From
    creation until :meth:`close`, kernels that jupyter_client starts through
    :class:`kzmv.build.fork_provisioner.ForkedKernelManager` are forked from it.
    """

    def __init__(self, modules: list[str]) -> None:
        global _active
        read_fd, write_fd = os.pipe()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "kzmv.build.fork_server", str(write_fd), *modules],
            stdin=subprocess.PIPE,
            pass_fds=(write_fd,),
            start_new_session=True,  # Ctrl-C goes to the runner, which then shuts kernels down in order
            text=True,
        )
        os.close(write_fd)
        self._replies = os.fdopen(read_fd, "r")
        self._lock = threading.Lock()
        self._ready = False
        _active = self

    def _reply(self) -> dict[str, Any]:
        line = self._replies.readline()
        if not line:
            raise RuntimeError(f"the kernel template exited (status {self._process.wait()})")
        return json.loads(line)

    def fork_kernel(self, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        """Start ipykernel with ``argv`` (its arguments after ``-m ipykernel_launcher``); return its pid."""
        with self._lock:
            if not self._ready:
                self._reply()  # {"ready": true}: blocks until the imports are done
                self._ready = True
            assert self._process.stdin is not None
            self._process.stdin.write(json.dumps({"argv": argv, "cwd": cwd, "env": env}) + "\n")
            self._process.stdin.flush()
            return int(self._reply()["pid"])

    def close(self) -> None:
        """Stop the template at once, imports finished or not.

        Kernels forked from it are separate processes, each shut down by its
        own kernel manager before this is called.
        """
        global _active
        if _active is self:
            _active = None
        self._process.kill()
        self._process.wait()
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._replies.close()


def imports_of(sources: Iterable[str]) -> list[str]:
    """Absolute module names imported at the top level of these code cells.

    A cell that is not plain Python (a magic, say) is left out rather than guessed at.
    """
    found: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module != "__future__":
                found.add(node.module)
                # ``from kzmv import trade`` imports the submodule kzmv.trade
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return sorted(found)


def notebook_imports(paths: Iterable[Path]) -> list[str]:
    """What these notebooks import, read straight from their JSON (no nbformat: this runs first)."""
    sources = []
    for path in paths:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                src = cell["source"]
                sources.append(src if isinstance(src, str) else "".join(src))
    return imports_of(sources)


def _reap(signum: int, frame: object) -> None:
    """Collect exited kernels, so none lingers as a zombie (they are our children)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _preload(modules: list[str]) -> None:
    """Import what every kernel would import; names that fail are left to the kernel to report."""
    # As ipykernel_launcher does: the launch folder is not an import location.
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    # ipykernel sets this at start unless set; set it first so matplotlib, imported
    # below, reads the same backend it would in a kernel started the usual way
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for name in ["ipykernel.kernelapp", "ipykernel.ipkernel", *modules]:
        # a name that is not a module, or a broken one, is left to the kernel to report
        with contextlib.suppress(Exception):
            importlib.import_module(name)


def _become_kernel(argv: list[str], cwd: str, env: dict[str, str], reply_fd: int) -> None:
    """In the forked child: turn into an ipykernel process and never return."""
    code = 1
    try:
        # the template's channels are not the kernel's: stdin (the requests) becomes
        # empty, as it is for a kernel that jupyter_client starts, and the reply pipe closes
        os.close(reply_fd)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.setsid()  # its own process group, as jupyter_client starts kernels, so signals reach only it
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        # ipykernel read JPY_PARENT_PID when the template imported it, before this environment
        # existed; name the parent explicitly: this template, so the kernel ends if it does
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        argv = [*argv, f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = [sys.argv[0], *argv]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        code = 130  # stopped while starting: nothing to report
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        # what a normal interpreter exit does (history saved, loggers flushed), then exit without
        # ever unwinding into the template's request loop, which this stack still holds
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main() -> None:
    reply_fd, modules = int(sys.argv[1]), sys.argv[2:]
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner decides when this process ends
    reply = os.fdopen(reply_fd, "w", buffering=1)
    _preload(modules)
    # Move everything imported so far out of the garbage collector's view: the kernels
    # would otherwise traverse (and so copy, page by page) the template's whole heap at
    # every full collection. What a kernel creates itself is collected as usual.
    gc.freeze()
    signal.signal(signal.SIGCHLD, _reap)
    reply.write(json.dumps({"ready": True}) + "\n")
    while line := sys.stdin.readline():
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _become_kernel(request["argv"], request["cwd"], request["env"], reply_fd)
        reply.write(json.dumps({"pid": pid}) + "\n")


if __name__ == "__main__":
    main()
