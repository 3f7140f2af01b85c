"""Benchmark start-up: the command line, and `citydip serve` to its first page (DESIGN §6).

Three measures, each a median of wall-clock runs of fresh processes, in rounds that alternate
the commands so that a busy moment of the machine hits them all alike:

1. ``citydip --help`` and ``citydip rules check`` beside two floors of the same run: the bare
   interpreter (``python -c pass``) and ``python -c 'import flask'``, since the command line
   is a Flask CLI group and cannot start faster than Flask imports. Target: ≤ 0.5 s.
2. ``citydip serve`` with the default 300-city demo pool, from launch to the first 200 on
   ``/``: on a new instance (migrations, demo pool generated and stored, peer index fitted)
   and on a restart of that instance. Target: ≤ 2 s. The demo pool and the peer index are
   prepared in a warm-up thread meanwhile (peer queries wait for it): not in this figure.

Run::

    .venv/bin/python perf/bench_startup.py            # rewrites its section of docs/performance.md
    .venv/bin/python perf/bench_startup.py --runs 3 --no-write
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

from report import REPORT, write_section

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Start-up (perf/bench_startup.py)"
BIN = Path(sys.executable).parent
CITYDIP = str(BIN / "citydip")
COMMANDS = {
    "python -c pass (interpreter floor)": [sys.executable, "-c", "pass"],
    "python -c 'import flask' (floor)": [sys.executable, "-c", "import flask"],
    "citydip --help": [CITYDIP, "--help"],
    "citydip rules check": [CITYDIP, "rules", "check"],
}
SERVE_TIMEOUT_S = 60


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("CITYDIP_")}


def time_command(command: list[str]) -> float:
    """Wall seconds of one run of ``command`` (which must succeed)."""
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=_clean_env(), cwd=ROOT)
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def time_first_page(instance: Path) -> float:
    """Seconds from launching ``citydip serve`` on ``instance`` to its first 200 on ``/``."""
    port = _free_port()
    env = {**_clean_env(), "CITYDIP_INSTANCE_PATH": str(instance)}
    command = [CITYDIP, "serve", "--host", "127.0.0.1", "--port", str(port)]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while time.perf_counter() - started < SERVE_TIMEOUT_S:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as page:
                    if page.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.01)
        raise SystemExit(f"citydip serve did not answer within {SERVE_TIMEOUT_S} s")
    finally:
        process.terminate()
        process.wait(timeout=15)


def measure(runs: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """(command → wall times, serve case → times to first page)."""
    commands: dict[str, list[float]] = {name: [] for name in COMMANDS}
    serve: dict[str, list[float]] = {"new instance": [], "restart": []}
    for command in COMMANDS.values():  # warm the file cache once
        time_command(command)
    for _ in range(runs):
        for name, command in COMMANDS.items():
            commands[name].append(time_command(command))
        with tempfile.TemporaryDirectory(prefix="citydip-startup-") as folder:
            instance = Path(folder) / "instance"
            serve["new instance"].append(time_first_page(instance))
            serve["restart"].append(time_first_page(instance))
    return commands, serve


def _row(name: str, times: list[float]) -> str:
    return f"| {name} | {statistics.median(times):.2f} s | {min(times):.2f}–{max(times):.2f} s |"


def report(commands: dict[str, list[float]], serve: dict[str, list[float]], runs: int) -> str:
    """The section of docs/performance.md."""
    help_s = statistics.median(commands["citydip --help"])
    check_s = statistics.median(commands["citydip rules check"])
    flask_s = statistics.median(commands["python -c 'import flask' (floor)"])
    first_s = statistics.median(serve["new instance"])
    lines = [
        HEADING,
        "",
        f"Measured {date.today().isoformat()} on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; "
        f"median of {runs} rounds, each round running every command once in turn "
        "(`.venv/bin/python perf/bench_startup.py`).",
        "",
        "| command | median wall | range |",
        "|---|---|---|",
        *(_row(name, times) for name, times in commands.items()),
        *(_row(f"`citydip serve` to first page, {case}", t) for case, t in serve.items()),
        "",
        f"* `citydip --help`: {help_s:.2f} s, {help_s - flask_s:+.2f} s over importing Flask "
        f"(target ≤ 0.5 s: {'met' if help_s <= 0.5 else 'missed'}). The group imports a "
        "command's module only when that command runs, and lists the commands from a table.",
        f"* `citydip rules check`: {check_s:.2f} s (target ≤ 0.5 s: "
        f"{'met' if check_s <= 0.5 else 'missed'}): pydantic's rulebook models and libyaml "
        "reading the rulebook; no Flask (the `rules` and `score` commands run in a plain click "
        "group), numpy, scikit-learn or SQLAlchemy.",
        f"* `citydip serve` with the 300-city demo pool, new instance: {first_s:.2f} s to the "
        f"first page (target ≤ 2 s: {'met' if first_s <= 2 else 'missed'}), including "
        "migrations; the demo pool and the first fit of the peer index run in a warm-up thread "
        "meanwhile, and peer queries wait for it.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="rounds (default 10)")
    parser.add_argument("--no-write", action="store_true", help=f"do not rewrite {REPORT.name}")
    args = parser.parse_args()
    commands, serve = measure(args.runs)
    text = report(commands, serve, args.runs)
    print(text)
    if not args.no_write:
        write_section(HEADING, text)


if __name__ == "__main__":
    main()
