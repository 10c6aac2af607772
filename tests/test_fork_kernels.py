"""The kernel template: forked kernels behave like kernels jupyter_client starts itself.

And the template never forks with a second thread alive: with everything the
notebooks import loaded, it has one thread at every fork (and on Python 3.12
and later, Python's own check at fork() finds none either); a template that
has a thread refuses, and the kernel starts the usual way.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from pathlib import Path

import pytest
from jupyter_client.manager import AsyncKernelManager

from kzmv.build.fork_provisioner import (
    PROVISIONER_NAME,
    ForkedKernelManager,
    ForkedKernelProvisioner,
    _forkable,
)
from kzmv.build.fork_server import ForkRefusedError, KernelTemplate, notebook_imports, os_threads

ROOT = Path(__file__).resolve().parents[1]


def _parent_pid(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _parent_cmdline(pid: int) -> str:
    return Path(f"/proc/{_parent_pid(pid)}/cmdline").read_bytes().replace(b"\0", b" ").decode()


async def _result_of(kc: object, code: str) -> str:
    """Run ``code`` in the kernel and return what it printed."""
    msg_id = kc.execute(code)  # type: ignore[attr-defined]
    out = []
    while True:
        msg = await kc.get_iopub_msg(timeout=60)  # type: ignore[attr-defined]
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            raise AssertionError(msg["content"]["evalue"])
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return "".join(out)


async def _run_then_interrupt_then_stop() -> tuple[int, str, str]:
    km = ForkedKernelManager(kernel_name="python3")
    await km.start_kernel()
    pid = km.provisioner.pid
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        parent = _parent_cmdline(pid)
        kc.execute("import time; time.sleep(60)")
        await asyncio.sleep(0.5)
        await km.interrupt_kernel()  # SIGINT to the kernel's process group, as jupyter_client does
        while True:
            reply = await kc.get_shell_msg(timeout=20)
            if reply["msg_type"] == "execute_reply":
                break
        assert await km.is_alive(), "an interrupted kernel stays up"
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)
    assert not await km.is_alive()
    return pid, parent, reply["content"].get("ename", "")


def test_a_forked_kernel_runs_interrupts_and_stops_like_a_started_one() -> None:
    template = KernelTemplate(["json"])
    try:
        pid, parent, error = asyncio.run(_run_then_interrupt_then_stop())
    finally:
        template.close()
    assert "kzmv.build.fork_server" in parent
    assert error == "KeyboardInterrupt", "the interrupt reached the cell, not the template"
    deadline = time.monotonic() + 5
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists(), "no kernel process is left behind"


def test_the_provisioner_is_found_through_its_public_entry_point() -> None:
    """The kernel spec names ``kzmv-forked``; jupyter_client loads it from the installed entry point."""
    km = ForkedKernelManager(kernel_name="python3")
    assert km.kernel_spec.metadata["kernel_provisioner"]["provisioner_name"] == PROVISIONER_NAME
    assert AsyncKernelManager(kernel_name="python3").kernel_spec.metadata.get("kernel_provisioner") is None

    async def provisioner_class() -> type:
        await km.start_kernel()
        try:
            return type(km.provisioner)
        finally:
            await km.shutdown_kernel(now=True)

    assert asyncio.run(provisioner_class()) is ForkedKernelProvisioner


def test_only_this_interpreters_ipykernel_is_forked() -> None:
    assert _forkable([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"])
    assert not _forkable(["/usr/bin/python3-other", "-m", "ipykernel_launcher", "-f", "k.json"])
    assert not _forkable([sys.executable, "-m", "some_other_kernel", "-f", "k.json"])


async def _probe_kernels(code: str, n: int) -> list[tuple[str, str]]:
    """Start ``n`` kernels one after another; for each, its parent's command line and what ``code`` printed.

    A kernel started the usual way is this process's child: its parent is named ``this test``.
    """
    found = []
    for _ in range(n):
        km = ForkedKernelManager(kernel_name="python3")
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            pid = km.provisioner.pid
            parent = "this test" if _parent_pid(pid) == os.getpid() else _parent_cmdline(pid)
            found.append((parent, await _result_of(kc, code)))
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)
    return found


LOADED = "import sys; print(sorted(m for m in ('numpy', 'pandas', 'matplotlib', 'kzmv.figures') if m in sys.modules))"


NOTEBOOK_IMPORTS = notebook_imports(sorted((ROOT / "notebooks").glob("*.ipynb")))


def test_with_the_notebooks_imports_the_template_has_one_thread_at_every_fork() -> None:
    """numpy's OpenBLAS would start a thread on import; the template turns its pool off, and checks."""
    template = KernelTemplate(NOTEBOOK_IMPORTS)
    try:
        kernels = asyncio.run(_probe_kernels(LOADED, 2))
    finally:
        template.close()
    for parent, loaded in kernels:
        assert "kzmv.build.fork_server" in parent, "forked, not refused"
        assert loaded.strip() == "['kzmv.figures', 'matplotlib', 'numpy', 'pandas']", "imported before the fork"


@pytest.mark.skipif(sys.version_info < (3, 12), reason="Python checks for threads at fork() from 3.12 on")
def test_pythons_own_check_finds_no_thread_at_the_fork(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """Python 3.12+ counts threads too when a process forks, and warns if there is more than one.

    A second witness, and the weaker one: Python counts only the threads it
    started (3.13.0 did not see the worker thread OpenBLAS starts, which the
    template's own count of /proc/self/task does). The template runs with the
    warning always shown (``-W error`` would not do: Python then drops the
    warning silently, the child being made already), and its stderr must not
    carry it. Each forked child only prints ipykernel's version and exits.
    """
    template = KernelTemplate(NOTEBOOK_IMPORTS, python_options=["-W", "always::DeprecationWarning"])
    try:
        pids = [template.fork_kernel(["--version"], str(tmp_path), dict(os.environ)) for _ in range(2)]
    finally:
        template.close()
    assert len(set(pids)) == 2
    assert "multi-threaded, use of fork()" not in capfd.readouterr().err


THREADED_MODULE = """import threading
import time
threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
"""


def test_a_template_with_a_thread_refuses_to_fork_and_the_kernel_starts_the_usual_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "starts_a_thread.py").write_text(THREADED_MODULE)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    template = KernelTemplate(["starts_a_thread"])
    try:
        with pytest.raises(ForkRefusedError, match="2 threads"):
            template.fork_kernel(["-f", str(tmp_path / "unused.json")], str(tmp_path), {})
        [(parent, loaded)] = asyncio.run(_probe_kernels("print(1)", 1))
    finally:
        template.close()
    assert parent == "this test", "started by jupyter_client itself, not forked"
    assert loaded.strip() == "1"


def test_os_threads_counts_every_thread_of_the_process() -> None:
    before = os_threads()
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        assert os_threads() == before + 1
    finally:
        release.set()
        worker.join()


async def _start_and_stop() -> str:
    km = ForkedKernelManager(kernel_name="python3")
    await km.start_kernel()
    try:
        return _parent_cmdline(km.provisioner.pid)
    finally:
        await km.shutdown_kernel(now=True)


def test_a_kernel_starts_the_usual_way_if_the_template_has_died() -> None:
    template = KernelTemplate(["json"])
    try:
        template._process.kill()  # as if it had crashed
        template._process.wait()
        parent = asyncio.run(_start_and_stop())
    finally:
        template.close()
    assert "kzmv.build.fork_server" not in parent


async def _register_exit_handler_then_shut_down(marker: Path) -> int:
    km = ForkedKernelManager(kernel_name="python3")
    await km.start_kernel()
    pid = km.provisioner.pid
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        await _result_of(
            kc, f"import atexit, pathlib; atexit.register(pathlib.Path({str(marker)!r}).write_text, 'bye')"
        )
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=False)  # a shutdown request: the kernel exits by itself
    return pid


def test_a_forked_kernel_exits_as_any_python_does_running_its_exit_handlers(tmp_path: Path) -> None:
    template = KernelTemplate(["json"])
    try:
        asyncio.run(_register_exit_handler_then_shut_down(tmp_path / "exited"))
    finally:
        template.close()
    assert (tmp_path / "exited").read_text() == "bye"


# A slow import before the gated one, so that the test's requests are surely in the template's
# input before it starts importing `gated` (it reads requests between two imports).
SLOW_MODULE = """
import time

time.sleep(3)
"""

GATED_MODULE = """
import os
import time

# stands in for a slow import (matplotlib, say): it finishes only once the test opens the gate
while not os.path.exists(os.environ["KZMV_TEST_GATE"]):
    time.sleep(0.01)
"""


async def _kernel_modules(needs: list[str] | None) -> tuple[str, str]:
    """Start a kernel that needs ``needs``; return who started it and whether it has the gated module."""
    km = ForkedKernelManager(kernel_name="python3", template_needs=needs)
    await asyncio.wait_for(km.start_kernel(), timeout=60)
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        return _parent_cmdline(km.provisioner.pid), await _result_of(kc, "import sys; print('gated' in sys.modules)")
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


def test_a_kernel_is_forked_once_what_it_needs_is_imported_before_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The data preparation, which draws no chart, need not wait for matplotlib's import."""
    (tmp_path / "slow.py").write_text(SLOW_MODULE)
    (tmp_path / "gated.py").write_text(GATED_MODULE)
    gate = tmp_path / "gate"
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setenv("KZMV_TEST_GATE", str(gate))
    template = KernelTemplate(["json", "slow", "gated"])
    kernels: dict[str, tuple[str, str]] = {}

    def start(name: str, needs: list[str] | None) -> threading.Thread:
        thread = threading.Thread(target=lambda: kernels.update({name: asyncio.run(_kernel_modules(needs))}))
        thread.start()
        return thread

    try:
        # The gate stays shut, so the template stays in the import of `gated`: a kernel that
        # needs only json can be forked, one that names no needs (all of them) cannot. Were
        # the first made to wait too, it would still be waiting after a minute, when the gate
        # is opened so that the test ends either way.
        early = start("early", ["json"])
        late = start("late", None)
        early.join(timeout=60)
        started_behind_the_gate = not early.is_alive()
        late_waited = late.is_alive()
        gate.touch()
        early.join()
        late.join()
    finally:
        gate.touch()
        template.close()
    assert started_behind_the_gate, "the kernel waited for an import it does not need"
    assert late_waited, "a kernel that needs everything was forked before everything was imported"
    (early_parent, early_has), (late_parent, late_has) = kernels["early"], kernels["late"]
    assert "kzmv.build.fork_server" in early_parent and "kzmv.build.fork_server" in late_parent, "both forked"
    assert (early_has.strip(), late_has.strip()) == ("False", "True")
