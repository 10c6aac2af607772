"""The kernel template: forked kernels behave like kernels jupyter_client starts itself."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from kzmv.build.fork_provisioner import ForkedKernelManager, _forkable
from kzmv.build.fork_server import KernelTemplate


def _parent_cmdline(pid: int) -> str:
    ppid = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
    return Path(f"/proc/{ppid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


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


def test_only_this_interpreters_ipykernel_is_forked() -> None:
    assert _forkable([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"])
    assert not _forkable(["/usr/bin/python3-other", "-m", "ipykernel_launcher", "-f", "k.json"])
    assert not _forkable([sys.executable, "-m", "some_other_kernel", "-f", "k.json"])


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
