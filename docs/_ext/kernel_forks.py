"""Start the pages' kernels as forks of a process that has imported what every page imports.

A page's kernel is a new Python process. Before its first cell runs it imports ipykernel and
IPython, and its first cell imports numpy, scipy.stats and the package: about a second and a
half of one core, for every page executed, which on two cores is a noticeable part of a cold
build. Here that work is done once per reading process: a *fork server* imports those modules
(``kernel_preload`` in conf.py) and then forks a child for each kernel. A child starts with
the modules imported and nothing else done: the fork server runs no code of a page, creates no
thread and opens no socket of ZeroMQ, so each page still starts from a state no other page has
touched. Only what has no bearing on the results is shared: the modules' code, and the
environment the fork server was started in (OpenBLAS and malloc read theirs at start-up, and
conf.py sets them before anything starts).

jupyter-client still starts, watches and stops a process of its own for each kernel: this
file run as ``python -I -S kernel_forks.py connect SOCKET ARGS...``. That *stand-in* connects
to the fork server's Unix socket and hands over its working directory, environment, standard
streams and the kernel's arguments (ipykernel_launcher's). The fork server forks; the child
takes them on and runs the kernel, and the stand-in waits until the kernel has ended. The
connection ties the two together: a signal that the stand-in receives (an interrupt, a
request to terminate) is passed on to the kernel, and when the stand-in ends (jupyter-client
kills it when the page is done) the kernel ends at once; when the kernel ends, so does the
stand-in.

The fork server is this file run as ``python kernel_forks.py serve SOCKET MODULE...``. It
ends when the process that started it closes its standard input, which happens when that
process ends or calls ``ForkServer.stop``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import traceback
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import IO

#: Signals that a stand-in passes on to its kernel.
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
_LENGTH = struct.Struct("!I")
#: What the fork server writes to its standard output once it listens.
READY = b"."


class ForkServer:
    """A fork server (``serve``) for this process, started on first use."""

    def __init__(self, modules: list[str]) -> None:
        self.modules = modules
        self._process: subprocess.Popen[bytes] | None = None
        self._socket = ""

    @property
    def pid(self) -> int | None:
        """The fork server's process, while it runs."""
        return None if self._process is None else self._process.pid

    @property
    def address(self) -> str:
        """The path of the fork server's socket (empty before it has started)."""
        return self._socket

    def command(self, launcher_arguments: list[str]) -> list[str]:
        """The stand-in's command for a kernel that ipykernel_launcher would run with
        ``launcher_arguments``; starts the fork server if it is not running."""
        if self._process is None or self._process.poll() is not None:
            self._socket = str(Path(tempfile.gettempdir()) / f"forks-{uuid.uuid4().hex[:12]}")
            self._process = subprocess.Popen(
                [sys.executable, __file__, "serve", self._socket, *self.modules],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            # It says so once it listens; a stand-in that connects before would find no socket.
            assert self._process.stdout is not None
            if self._process.stdout.read(1) != READY:
                self._process.wait()
                msg = f"the kernels' fork server ended on start ({self._process.returncode})"
                raise RuntimeError(msg)
        return [sys.executable, "-I", "-S", __file__, "connect", self._socket,
                *launcher_arguments]  # fmt: skip

    def stop(self) -> None:
        """End the fork server (kernels that are running go on until they end)."""
        process, self._process = self._process, None
        if process is not None:
            assert process.stdin is not None
            assert process.stdout is not None
            process.stdin.close()
            process.wait()
            process.stdout.close()


def _send(connection: socket.socket, message: Mapping[str, object], fds: list[int]) -> None:
    body = json.dumps(message).encode()
    socket.send_fds(connection, [_LENGTH.pack(len(body))], fds)
    connection.sendall(body)


def _read_exactly(connection: socket.socket, size: int, start: bytes = b"") -> bytes:
    data = start
    while len(data) < size:
        more = connection.recv(size - len(data))
        if not more:
            raise ConnectionError("the stand-in hung up")
        data += more
    return data


def _receive(connection: socket.socket) -> tuple[dict[str, object], list[int]]:
    header, fds, _, _ = socket.recv_fds(connection, _LENGTH.size, 3)
    (length,) = _LENGTH.unpack(_read_exactly(connection, _LENGTH.size, header))
    return json.loads(_read_exactly(connection, length)), fds


def connect(path: str, arguments: list[str]) -> None:
    """The stand-in: have the fork server start a kernel, and live exactly as long as it."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(path)
    message = {"cwd": str(Path.cwd()), "env": dict(os.environ), "argv": arguments}
    _send(connection, message, [0, 1, 2])
    for number in FORWARDED:
        signal.signal(number, lambda received, _frame: connection.send(bytes([received])))
    # A signal's handler runs while this waits, and the wait goes on (PEP 475).
    while connection.recv(64):
        pass


def _watch(connection: socket.socket) -> None:
    """In a kernel: raise the signals its stand-in passes on, and end with the stand-in."""
    while data := connection.recv(64):
        for number in data:
            os.kill(os.getpid(), number)
    os._exit(0)


def _run_kernel(connection: socket.socket, message: dict[str, object], fds: list[int]) -> None:
    """In the forked child: become the kernel that ``python -m ipykernel_launcher`` would be."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    cwd = str(message["cwd"])
    os.chdir(cwd)
    environment = message["env"]
    assert isinstance(environment, dict)
    os.environ.clear()
    os.environ.update(environment)
    # As for ``python -m ipykernel_launcher`` started in ``cwd``, after the launcher has
    # taken the working directory off the path (IPython puts it back).
    argv = message["argv"]
    assert isinstance(argv, list)
    sys.argv = [str(Path(sys.executable).parent / "ipykernel_launcher"), *map(str, argv)]
    threading.Thread(target=_watch, args=(connection,), daemon=True).start()
    from ipykernel import kernelapp

    # ipykernel reads the process it is a kernel of from the environment when it is imported,
    # which was in the fork server's; it is given the kernel's. (Without it, a kernel prints a
    # banner for a terminal user to its standard output.)
    if parent := os.environ.get("JPY_PARENT_PID"):
        sys.argv.append(f"--IPKernelApp.parent_handle={int(parent)}")
    kernelapp.launch_new_instance()


def serve(path: str, modules: list[str], control: IO[bytes]) -> None:
    """The fork server: import ``modules``, then fork a kernel for each stand-in that
    connects, until ``control`` (its standard input) is closed."""
    import importlib
    import selectors

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    try:
        listener.listen(16)
        os.write(sys.stdout.fileno(), READY)
        # What ipykernel sets before a kernel runs any code, for matplotlib to read on import.
        os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        for module in ["ipykernel.kernelapp", *modules]:
            importlib.import_module(module)
        # Children are reaped by the system; a kernel puts the default back.
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)
        events = selectors.DefaultSelector()
        events.register(listener, selectors.EVENT_READ)
        events.register(control, selectors.EVENT_READ)
        while True:
            ready = [key.fileobj for key, _ in events.select()]
            if control in ready:
                return
            connection, _ = listener.accept()
            try:
                message, fds = _receive(connection)
            except (OSError, ValueError):  # a stand-in that hung up, or sent no message
                connection.close()
                continue
            sys.stdout.flush()
            sys.stderr.flush()
            if os.fork() == 0:
                try:
                    events.close()
                    listener.close()
                    control.close()
                    _run_kernel(connection, message, fds)
                except SystemExit as end:
                    os._exit(
                        end.code if isinstance(end.code, int) else 0 if end.code is None else 1
                    )
                except BaseException:  # noqa: BLE001 - reported, and the fork must not go on
                    traceback.print_exc()
                    os._exit(1)
                os._exit(0)
            connection.close()
            for fd in fds:
                os.close(fd)
    finally:
        listener.close()
        Path(path).unlink(missing_ok=True)


if __name__ == "__main__":
    mode, where, *rest = sys.argv[1:]
    if mode == "connect":
        connect(where, rest)
    else:
        # Python put this file's directory first on the path; a kernel has no use for it.
        del sys.path[0]
        serve(where, rest, sys.stdin.buffer)
