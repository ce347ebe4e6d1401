"""The local web app: what-if runs for people who will not edit YAML or open a terminal.

Served by Streamlit (the framework SimPy models are most often shared with; a page is a plain
script, and ``st.fragment`` polls a background run without blocking it) on 127.0.0.1 only. An
optional extra: ``pip install 'umkm-sim[app]'``. The top layer, beside the command line: it may
import every other part of ``sim``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from sim.i18n import _
from sim.scenario.limits import MAX_FILE_BYTES

__all__ = ["INSTALL", "PAGE", "MissingAppError", "command", "free_port", "serve"]

PAGE = Path(__file__).resolve().parent / "page.py"
INSTALL = "pip install 'umkm-sim[app]'"


class MissingAppError(ImportError):
    """The app was asked for, but Streamlit is not installed."""

    def __init__(self) -> None:
        """Say how to install it."""
        super().__init__(_("the app needs Streamlit: {install}").format(install=INSTALL))


def command(scenario: str | Path | None = None, port: int | None = None) -> list[str]:
    """The command that serves the app on 127.0.0.1 (``port``: a free one if not given).

    Raises:
        MissingAppError: Streamlit is not installed.
    """
    try:
        import streamlit  # noqa: F401, PLC0415 (only checked for)
    except ImportError:
        raise MissingAppError from None
    chosen = port or free_port()
    args = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PAGE),
        "--server.address=127.0.0.1",
        f"--server.port={chosen}",
        "--server.headless=true",
        "--server.fileWatcherType=none",
        # Uploads no larger than the command line reads (a scenario file, in whole MB).
        f"--server.maxUploadSize={max(1, MAX_FILE_BYTES // 1024**2)}",
        "--browser.gatherUsageStats=false",
        "--global.developmentMode=false",
        "--client.toolbarMode=viewer",
    ]
    return args + (["--", str(scenario)] if scenario is not None else [])


def serve(scenario: str | Path | None = None, port: int | None = None) -> int:
    """Serve the app until interrupted; return the server's exit status.

    The server runs in a process group of its own, stopped with this process however it is
    stopped (Ctrl-C, SIGTERM from a service manager or ``kill``): never left serving alone.
    """
    args = command(scenario, port)
    address = next(a for a in args if a.startswith("--server.port=")).split("=")[1]
    print(
        _("umkm-sim app: {url}  (Ctrl-C to stop)").format(url=f"http://127.0.0.1:{address}"),
        flush=True,
    )
    # Handlers first: a stop that comes while the server starts still stops it.
    before = {stop: signal.signal(stop, _interrupt) for stop in _STOPS}
    server = None
    try:
        server = subprocess.Popen(args, start_new_session=True)  # noqa: S603 (our interpreter)
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for stop in _STOPS:  # a second stop while stopping must not cut it short
            signal.signal(stop, signal.SIG_IGN)
        if server is not None:
            _stop(server)
        for stop, handler in before.items():
            signal.signal(stop, handler)


_STOPS = (signal.SIGTERM, signal.SIGHUP)
"""Signals that end the app as Ctrl-C does: a service manager's stop, a closed terminal."""


def _interrupt(signum: int, frame: object) -> None:  # noqa: ARG001 (a signal handler's)
    """SIGTERM or SIGHUP as Ctrl-C: stop the server, then end."""
    raise KeyboardInterrupt


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop the server's whole process group: politely, then for sure."""
    if server.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


_GRACE_SECONDS = 10


def free_port() -> int:
    """A port nothing listens on now, on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port
