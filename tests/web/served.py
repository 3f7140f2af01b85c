"""Real server processes for the serving tests: ``citydip serve`` (waitress) or gunicorn on a
free port of 127.0.0.1, with their settings in ``CITYDIP_*`` variables as an operator sets
them, a log file, and a bounded wait for the first answer."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["Served", "free_port", "start_server", "stop_server", "tool"]

REPO_ROOT = Path(__file__).resolve().parents[2]
#: How long a server may take to migrate, seed its demo pool and answer.
START_TIMEOUT_S = 60


@dataclass(frozen=True)
class Served:
    """A running server: its base URL, process and log."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        """Everything the server wrote so far."""
        return self.log.read_text("utf-8", "replace") if self.log.is_file() else ""


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tool(name: str) -> str:
    """The console script ``name`` installed beside this Python (``citydip``, ``gunicorn``)."""
    found = Path(sys.executable).with_name(name)
    if not found.is_file():
        pytest.fail(f"`{name}` is not installed beside {sys.executable}; run `make test`")
    return str(found)


def server_env(folder: Path, database_url: str, settings: Mapping[str, str]) -> dict[str, str]:
    """The environment of a server process: this one's, minus any CITYDIP_* of the developer."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITYDIP_")}
    env.update(
        CITYDIP_INSTANCE_PATH=str(folder / "instance"),
        CITYDIP_DATABASE_URL=database_url,
        CITYDIP_SECRET_KEY="served-test-secret-key-0123456789abcdef",
        CITYDIP_DEMO_POOL_SIZE="50",
        PYTHONUNBUFFERED="1",
    )
    env.update(settings)
    return env


def start_server(
    command: Sequence[str],
    *,
    folder: Path,
    database_url: str,
    port: int,
    settings: Mapping[str, str] | None = None,
    name: str = "server",
    wait: bool = True,
) -> Served:
    """Start ``command`` (which must listen on ``port``) and, unless ``wait`` is false,
    wait until ``/`` answers 200."""
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(command),
            env=server_env(folder, database_url, settings or {}),
            cwd=REPO_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # gunicorn's workers go down with its process group
        )
    served = Served(url=f"http://127.0.0.1:{port}", process=process, log=log)
    if wait:
        wait_until_up(served)
    return served


def wait_until_up(served: Served, timeout_s: float = START_TIMEOUT_S) -> float:
    """Seconds until ``/`` answered 200; fails the test with the log if it never does."""
    started = time.monotonic()
    last = "no answer yet"
    while time.monotonic() - started < timeout_s:
        if served.process.poll() is not None:
            pytest.fail(
                f"the server exited with code {served.process.returncode}:\n{served.log_text()}"
            )
        try:
            with urllib.request.urlopen(served.url + "/", timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
                last = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.05)
    pytest.fail(f"no answer from {served.url} within {timeout_s} s ({last}):\n{served.log_text()}")


def stop_server(served: Served, *, kill: bool = False) -> None:
    """Stop the server and every process of its group: SIGTERM, or SIGKILL when ``kill``."""
    if served.process.poll() is None:
        os.killpg(served.process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    try:
        served.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(served.process.pid, signal.SIGKILL)
        served.process.wait(timeout=15)
