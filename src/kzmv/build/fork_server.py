"""The kernel template: one process that imports once and forks a kernel per notebook.

Why: every notebook kernel otherwise starts a fresh Python and imports ipykernel,
pandas, matplotlib, pandera and the project package, about a second of CPU
each. On a two-core machine four such starts compete with the notebooks' own
work. This process pays for those imports once; each kernel is then a
``fork()`` of it that starts ipykernel exactly as ``python -m
ipykernel_launcher`` would, with the connection file, working folder and
environment the runner asked for.

Forking is safe only in a process with one thread: a lock that another thread
holds at the fork stays locked forever in the child. So the template imports
the numerical libraries with their thread pools turned off (OpenBLAS would
otherwise start a worker thread when numpy is imported), counts its own
operating-system threads before every fork, and refuses to fork if there is
more than one; the kernel is then started the usual way. Nothing here uses a
library's private parts: a forked child leaves the request loop by returning
from it, runs ipykernel's public entry point, and exits as any Python does.

Started by :class:`KernelTemplate` as ``python -m kzmv.build.fork_server
REPLY_FD MODULE...``. It reads one JSON request per line on stdin
(``{"argv": [...], "cwd": ..., "env": {...}}``) and answers each on
``REPLY_FD`` with ``{"pid": ...}``, or ``{"refused": reason}``; its first line
there is ``{"ready": true}``. It exits when stdin closes. This module holds
the runner's handle on the process too, so that ``kzmv report`` can start it
before importing anything heavy itself; the jupyter_client side is in
:mod:`kzmv.build.fork_provisioner`.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import importlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

# Thread pools of the numerical libraries, off. Every kernel the build starts gets the same
# setting (kzmv.build.fork_provisioner), so a forked kernel computes exactly as one started
# the usual way; with two notebooks on two cores, extra BLAS threads would only compete.
SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

_TASKS = Path("/proc/self/task")
_active: KernelTemplate | None = None


class ForkRefusedError(RuntimeError):
    """The template would not fork (it has more than one thread); start the kernel the usual way."""


def fork_enabled() -> bool:
    """Forking needs POSIX ``fork`` and a way to count the process's threads (Linux's /proc).

    ``KZMV_FORK_KERNELS=0`` turns it off (to compare, or to rule it out).
    """
    return hasattr(os, "fork") and _TASKS.is_dir() and os.environ.get("KZMV_FORK_KERNELS", "1") != "0"


def active() -> KernelTemplate | None:
    """The template kernels are forked from now, if one is running."""
    return _active


def os_threads() -> int:
    """How many threads this process has, as the operating system counts them.

    Counted from /proc rather than by :mod:`threading`, which sees only the
    threads Python started, not those a C library (OpenBLAS, say) started.
    """
    return len(os.listdir(_TASKS))


class KernelTemplate:
    """A running template process; :meth:`fork_kernel` gets a new kernel from it.

    It starts importing at once, so the first kernel is ready about one import
    time later; requests are answered one at a time, from any thread. From
    creation until :meth:`close`, kernels that jupyter_client starts through
    :class:`kzmv.build.fork_provisioner.ForkedKernelManager` are forked from it.
    ``python_options`` go to its interpreter (a test shows Python's own
    fork warning with ``-W always::DeprecationWarning``).
    """

    def __init__(self, modules: list[str], python_options: Sequence[str] = ()) -> None:
        global _active
        read_fd, write_fd = os.pipe()
        self._process = subprocess.Popen(
            [sys.executable, *python_options, "-m", "kzmv.build.fork_server", str(write_fd), *modules],
            stdin=subprocess.PIPE,
            pass_fds=(write_fd,),
            env={**os.environ, **SINGLE_THREADED},
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
        """Start ipykernel with ``argv`` (its arguments after ``-m ipykernel_launcher``); return its pid.

        Raise :class:`ForkRefusedError` if the template will not fork, and
        ``RuntimeError`` if it has died.
        """
        with self._lock:
            if not self._ready:
                self._reply()  # {"ready": true}: blocks until the imports are done
                self._ready = True
            assert self._process.stdin is not None
            self._process.stdin.write(json.dumps({"argv": argv, "cwd": cwd, "env": env}) + "\n")
            self._process.stdin.flush()
            reply = self._reply()
        if "refused" in reply:
            raise ForkRefusedError(reply["refused"])
        return int(reply["pid"])

    def close(self) -> None:
        """Stop the template.

        Still importing (nothing was forked from it), it is killed at once.
        Otherwise its input is closed and it exits by itself, after collecting
        its exited kernels: so their CPU time is counted with the build's
        (``make bench`` reports it). Kernels forked from it are separate
        processes, each shut down by its own kernel manager before this is
        called.
        """
        global _active
        if _active is self:
            _active = None
        if self._process.stdin is not None:
            with contextlib.suppress(OSError):  # BrokenPipeError if it has died
                self._process.stdin.close()
        if not self._ready:
            self._process.kill()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
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


def _reap(signum: int = 0, frame: object = None) -> None:
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


def serve(reply_fd: int, modules: list[str]) -> dict[str, Any] | None:
    """Import ``modules``, then fork a child per request until stdin closes.

    Returns None in the template once stdin has closed; in each forked child
    it returns that child's request, so the child leaves this loop (and
    whatever it holds) behind and becomes a kernel in :func:`main`.
    """
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
        threads = os_threads()
        if threads != 1:
            reply.write(json.dumps({"refused": f"the kernel template has {threads} threads"}) + "\n")
            continue
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            reply.close()  # the template's channel, not the kernel's
            return request
        reply.write(json.dumps({"pid": pid}) + "\n")
    _reap()
    return None


def become_kernel(argv: list[str], cwd: str, env: dict[str, str]) -> int:
    """In the forked child: run ipykernel as ``python -m ipykernel_launcher ARGV`` would; its exit status."""
    # stdin (the template's requests) becomes empty, as it is for a kernel jupyter_client starts
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

    try:
        kernelapp.launch_new_instance(argv=argv)
    except KeyboardInterrupt:
        return 130  # stopped while starting: nothing to report
    return 0


def main() -> int:
    request = serve(int(sys.argv[1]), sys.argv[2:])
    if request is None:
        return 0
    return become_kernel(request["argv"], request["cwd"], request["env"])


if __name__ == "__main__":
    sys.exit(main())
