"""The kernel template: one process that imports once and forks a kernel per notebook.

Why: every notebook kernel otherwise starts a fresh Python and imports ipykernel,
pandas, matplotlib, seaborn, pandera and the project package, about a second
of CPU each. On a two-core machine four such starts compete with the
notebooks' own work. This process pays for those imports once; each kernel is
then a ``fork()`` of it that starts ipykernel exactly as ``python -m
ipykernel_launcher`` would, with the connection file, working folder and
environment the runner asked for.

Started by :class:`kzmv.forkserver.KernelTemplate` as ``python -m
kzmv.kernel_template REPLY_FD MODULE...``. It reads one JSON request per line
on stdin (``{"argv": [...], "cwd": ..., "env": {...}}``) and answers each on
``REPLY_FD`` with ``{"pid": ...}``; its first line there is ``{"ready": true}``.
It exits when stdin closes. Only the standard library is imported before the
preload, and no thread is started, so forking is safe.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import json
import os
import signal
import sys
from pathlib import Path


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
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
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
