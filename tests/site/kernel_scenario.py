"""Start kernels as the site's build does (docs/_ext/page_kernels.py), and report what they saw.

Run as ``python kernel_scenario.py [MODULE ...]``: with modules, the kernels are forked from a
fork server that has imported them (docs/_ext/kernel_forks.py); without, they are started as
new processes. It prints one JSON object. This runs in a process of its own because the
kernel machinery warns about its own deprecations, which the tests turn into errors.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

# The extensions are files of the docs, on the path of the build, not of the tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "docs" / "_ext"))
page_kernels = importlib.import_module("page_kernels")
ForkServer = importlib.import_module("kernel_forks").ForkServer

#: What the first cell of each notebook prints: its process, that process's parent, and
#: whether colorsys (which neither Python nor ipykernel imports) is imported already.
PROBE = "import os, sys; print(os.getpid(), os.getppid(), 'colorsys' in sys.modules)"


def execute(sources: list[str]) -> list[str]:
    """Run a notebook of ``sources`` as the build does; the text each cell printed."""
    cells = [nbformat.v4.new_code_cell(s) for s in sources]  # type: ignore[no-untyped-call]
    notebook = nbformat.v4.new_notebook(cells=cells)  # type: ignore[no-untyped-call]
    client = NotebookClient(
        notebook,
        kernel_manager_class=page_kernels.PageKernelManager,
        shutdown_kernel="immediate",
        timeout=120,
    )
    client.execute()
    return ["".join(output.get("text", "") for output in cell.outputs) for cell in notebook.cells]


def gone(pid: int, deadline_s: float = 60.0) -> bool:
    """Whether the process ``pid`` ends within the deadline (it is no child of this one)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


async def interrupted() -> str:
    """Interrupt a cell that waits, as nbclient does on a timeout; what the cell printed."""
    manager = page_kernels.PageKernelManager(kernel_name="python3")
    await manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=120)
        # Whenever the interrupt arrives after "waiting" was sent, it is caught.
        code = (
            "import time\ntry:\n    print('waiting', flush=True)\n    time.sleep(120)\n"
            "except KeyboardInterrupt:\n    print('interrupted', flush=True)\n"
        )
        client.execute(code)
        printed = ""
        # Until the kernel is idle again, as nbclient waits before it shuts a kernel down
        # (which interrupts it first).
        while True:
            message = await client.get_iopub_msg(timeout=120)
            content = message["content"]
            if message["msg_type"] == "error":
                printed += str(content["ename"])
            if message["msg_type"] == "stream":
                printed += str(content["text"])
                if printed == "waiting\n":
                    await manager.interrupt_kernel()
            idle = message["msg_type"] == "status" and content["execution_state"] == "idle"
            if idle and printed:
                return printed
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(now=True)


def main() -> None:
    preload = sys.argv[1:]
    if preload:
        page_kernels.FORKS.append(ForkServer(preload))
    first = execute([PROBE, "import colorsys; colorsys.touched = True"])
    second = execute([PROBE, "import colorsys; print(hasattr(colorsys, 'touched'))"])
    report: dict[str, Any] = {
        "scenario": os.getpid(),
        "first": first[0].split(),
        "second": second[0].split(),
        "second_touched": second[1].strip(),
        "first_ended": gone(int(first[0].split()[0])),
        "interrupt": asyncio.run(interrupted()),
    }
    if preload:
        server = page_kernels.FORKS[0]
        report["server"] = server.pid
        report["socket"] = server.address
        page_kernels.FORKS.pop().stop()
        report["server_ended"] = gone(report["server"])
        report["socket_left"] = Path(report["socket"]).exists()
    sys.stdout.write(json.dumps(report) + "\n")


if __name__ == "__main__":
    main()
