"""Benchmark the network pages at scale: start-up, memory, dashboard, filters, exports, import.

For each pool size (1,000, 10,000 and 100,000 cities by default) the script builds a pool of
imported cities in a fresh SQLite instance (demo cities varied: other names and ids, sizes
jittered, assessment years 2022–2026, so every filter and the trend have data), then starts
``citydip serve`` on 127.0.0.1 twice — a first start and a restart (which reads the peer
service's snapshot, ``web/pool_snapshot.py``) — and measures over real HTTP on loopback:

* **first page**: launch to the first 200 on ``/`` (target ≤ 5 s);
* **pool ready**: launch to the first 200 of the dashboard, which waits for the peer pool;
* **idle RSS** of the server once the pool is loaded (target ≤ 600 MB), and its **peak RSS**
  while serving every request below (sampled every 20 ms; target ≤ 1 GB);
* the dashboard, each filter and each aggregates export: the **first** request (nothing
  cached for those filters) and the **median** of repeats; also the first dashboard after one
  more city arrives (the publication plan and arrays refreshed). Target ≤ 300 ms median.
  Times are client-side on loopback: server time plus a little transfer.

Then ``citydip pool import --database`` of a 50,000-row survey file (``perf/survey_rows.py``)
into a fresh instance: wall time and peak RSS of the process (target ≤ 10 s, ≤ 500 MB), and a
re-import of the same file (a no-op).

Run::

    .venv/bin/python perf/bench_network.py   # rewrites its section of docs/performance.md
    .venv/bin/python perf/bench_network.py --sizes 1000 --import-rows 2000 --no-write
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psutil
from report import write_section

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Network scale (perf/bench_network.py)"
CITYDIP = str(Path(sys.executable).parent / "citydip")
TOKEN = secrets.token_hex(32)
SERVE_TIMEOUT_S = 300
MB = 1024 * 1024

#: query strings of the dashboard: no filter, then each kind of filter and a combination
FILTERS = (
    "",
    "region=Western+Europe",
    "region=Northern+Africa",
    "size_band=under+100k",
    "size_band=0.5%E2%80%931M",
    "size_band=over+5M",
    "eu=yes",
    "eu=no",
    "region=Southern+Europe&eu=yes&size_band=100k%E2%80%93250k",
)
EXPORTS = ("/network/export/aggregates.json", "/network/export/aggregates.csv")


def build_pool(instance: Path, n: int, seed: int) -> None:
    """``n`` imported cities in a fresh instance at ``instance`` (SQLite)."""
    sys.path.insert(0, str(ROOT))
    from benchmark.demo import generate_demo_pool
    from web import create_app, state, storage

    app = create_app({"instance_path": instance, "demo_pool": False})
    with app.app_context():
        base = generate_demo_pool(min(n, 2_000), seed=seed, rulebook=state.rulebook())
        for start in range(0, n, 10_000):
            chunk = [
                _variant(base[i % len(base)], i) for i in range(start, min(n, start + 10_000))
            ]
            storage.add_pool_records(records=chunk)
    storage.dispose(app)


def _variant(record: Any, i: int) -> Any:
    """Another imported city like ``record``: its own id, name and size, a year of 2022–26."""
    population = max(10_000, min(49_000_000, int(record.profile.population * (0.8 + i % 5 / 10))))
    profile = record.profile.model_copy(
        update={"name": f"{record.profile.name} {i}", "population": population, "geonameid": None}
    )
    assessed = date(2022 + i % 5, 1 + i % 12, 1 + i % 28)
    return record.model_copy(
        update={
            "id": f"bench-{i:06d}",
            "source": "import",
            "profile": profile,
            "assessed_on": assessed,
        }
    )


def _env(instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITYDIP_")}
    env |= {"CITYDIP_INSTANCE_PATH": str(instance), "CITYDIP_DEMO_POOL": "false"}
    env |= {"CITYDIP_ADMIN_TOKEN": TOKEN}
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Memory:
    """The peak RSS of a process, sampled every 20 ms in a thread while ``watching``."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def now(self) -> int:
        return int(self.process.memory_info().rss)

    @contextmanager
    def watching(self) -> Iterator[None]:
        self._stop.clear()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        try:
            yield
        finally:
            self._stop.set()
            self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.now())
            self._stop.wait(0.02)


@dataclass
class Served:
    """One run of ``citydip serve``."""

    first_page_s: float
    ready_s: float
    idle_rss: int
    peak_rss: int = 0
    times: dict[str, list[float]] = field(default_factory=dict)


def _get(port: int, path: str) -> tuple[int, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=SERVE_TIMEOUT_S)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    return response.status, time.perf_counter() - started


def _wait_for(port: int, path: str, started: float) -> float:
    while time.perf_counter() - started < SERVE_TIMEOUT_S:
        try:
            status, _ = _get(port, path)
            if status == 200:
                return time.perf_counter() - started
        except OSError:
            time.sleep(0.01)
    raise SystemExit(f"{path} did not answer 200 within {SERVE_TIMEOUT_S} s")


@contextmanager
def serving(instance: Path) -> Iterator[tuple[int, Served, Memory]]:
    """``citydip serve`` on ``instance`` until the block ends; its start-up figures."""
    port = _free_port()
    command = [CITYDIP, "serve", "--host", "127.0.0.1", "--port", str(port)]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=_env(instance), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        first = _wait_for(port, "/", started)
        ready = _wait_for(port, "/network/", started)
        memory = Memory(process.pid)
        time.sleep(1)  # idle: after the warm-up, before any request below
        yield port, Served(first, ready, idle_rss=memory.now()), memory
    finally:
        process.terminate()
        process.wait(timeout=30)


def measure_requests(port: int, served: Served, memory: Memory, repeats: int) -> None:
    """First and repeated times of every dashboard filter and export (in ``served.times``)."""
    paths = [_with("/network/", q) for q in FILTERS]
    paths += [_with(e, q) for e in EXPORTS for q in FILTERS[:2]]
    with memory.watching():
        for path in paths:
            served.times[path] = [_timed(port, path) for _ in range(1 + repeats)]
        served.times["/network/members"] = [_timed(port, "/network/members")]
        served.times["/network/export/pool.jsonl"] = [_timed(port, "/network/export/pool.jsonl")]
    served.peak_rss = max(memory.peak, served.idle_rss)


def _with(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def _timed(port: int, path: str) -> float:
    status, seconds = _get(port, path)
    if status != 200:
        raise SystemExit(f"{path}: HTTP {status}")
    return seconds


def after_one_more_city(instance: Path, port: int, n: int) -> float:
    """Seconds of the first dashboard once one more city is in the pool."""
    build_extra(instance, n)
    return _timed(port, "/network/")


def build_extra(instance: Path, n: int) -> None:
    from benchmark.demo import generate_demo_pool
    from web import create_app, state, storage

    app = create_app({"instance_path": instance, "demo_pool": False}, prepare=False)
    with app.app_context():
        record = generate_demo_pool(1, seed=99, rulebook=state.rulebook())[0]
        storage.add_pool_records(records=[_variant(record, n)])
    storage.dispose(app)


def bench_size(n: int, seed: int, repeats: int, cache: Path) -> dict[str, Any]:
    """Figures for a pool of ``n`` cities (built once per size and seed into ``cache``)."""
    built = cache / f"pool-{n}-{seed}"
    if not (built / "citydip.sqlite3").exists():
        print(f"building a pool of {n:,} cities …", flush=True)
        partial = built.with_suffix(".partial")  # renamed once whole: a failed build is redone
        shutil.rmtree(partial, ignore_errors=True)
        build_pool(partial, n, seed)
        partial.rename(built)
    with tempfile.TemporaryDirectory(prefix="citydip-net-") as folder:
        instance = Path(folder) / "instance"
        shutil.copytree(built, instance, ignore=shutil.ignore_patterns("peer-pool.npz"))
        runs: dict[str, Served] = {}
        for run in ("first start", "restart"):
            with serving(instance) as (port, served, memory):
                measure_requests(port, served, memory, repeats)
                if run == "restart":
                    served.times["after one more city"] = [after_one_more_city(instance, port, n)]
                runs[run] = served
            print(
                f"{n:,} cities, {run}: first page {served.first_page_s:.2f} s, ready "
                f"{served.ready_s:.2f} s, idle {served.idle_rss / MB:.0f} MB",
                flush=True,
            )
    return {"n": n, "runs": runs}


def bench_import(rows: int, seed: int) -> dict[str, Any]:
    """Wall time and peak RSS of ``citydip pool import --database`` of ``rows`` rows, twice."""
    from survey_rows import write_survey_csv

    with tempfile.TemporaryDirectory(prefix="citydip-import-") as folder:
        survey = Path(folder) / "survey.csv"
        write_survey_csv(survey, rows, seed=seed)
        instance = Path(folder) / "instance"
        command = [CITYDIP, "pool", "import", str(survey), "--database"]
        first = _run_measured(command, instance)
        again = _run_measured(command, instance)
    return {"rows": rows, "first": first, "again": again}


_PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
    "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def _run_measured(command: list[str], instance: Path) -> tuple[float, int]:
    """(wall seconds, peak RSS in bytes) of ``command``, measured by a parent of its own."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, *command],
        env=_env(instance),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started, int(done.stdout.split()[-1]) * 1024


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def size_rows(result: dict[str, Any]) -> list[str]:
    """Table rows for one pool size: start-up and memory per run, then the requests."""
    n, runs = result["n"], result["runs"]
    rows = []
    for run, served in runs.items():
        rows.append(
            f"| {n:,} | {run} | {served.first_page_s:.2f} s {_verdict(served.first_page_s <= 5)} "
            f"| {served.ready_s:.2f} s | {served.idle_rss / MB:,.0f} MB "
            f"{_verdict(served.idle_rss <= 600 * MB)} | {served.peak_rss / MB:,.0f} MB "
            f"{_verdict(served.peak_rss <= 1024 * MB)} |"
        )
    return rows


def request_rows(result: dict[str, Any]) -> list[str]:
    """One row per path: first and median times, at the restart (the usual state)."""
    n, served = result["n"], result["runs"]["restart"]
    rows = []
    for path, times in served.times.items():
        median = statistics.median(times[1:] or times)
        target = not path.endswith(("members", "pool.jsonl"))
        verdict = _verdict(median <= 0.3 and times[0] <= 0.3) if target else "(no target)"
        rows.append(f"| {n:,} | `{path}` | {_ms(times[0])} | {_ms(median)} | {verdict} |")
    return rows


def import_rows(figures: dict[str, Any]) -> list[str]:
    rows = []
    for label, (wall, peak) in (
        ("first import", figures["first"]),
        ("same file again", figures["again"]),
    ):
        ok = wall <= 10 and peak <= 500 * MB
        rows.append(
            f"| {figures['rows']:,} rows, {label} | {wall:.1f} s | {peak / MB:,.0f} MB "
            f"| {_verdict(ok)} |"
        )
    return rows


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{date.today().isoformat()}, {os.cpu_count()} CPUs (load average {load} at the end), "
        f"{platform.machine()}, Python {platform.python_version()}"
    )


def section(results: list[dict[str, Any]], imported: dict[str, Any] | None, command: str) -> str:
    lines = [HEADING, "", f"Command: `{command}` — {machine()}.", ""]
    lines += [
        "Targets (issue 13): first page ≤ 5 s, idle ≤ 600 MB, peak while serving ≤ 1 GB; "
        "dashboard, each filter and each aggregates export ≤ 300 ms (both the first "
        "request for a filter and the median of repeats); import of 50,000 rows ≤ 10 s "
        "and ≤ 500 MB.",
        "",
    ]
    lines += [
        "| cities | run | first page | pool ready (first dashboard) | idle RSS | "
        "peak RSS serving |",
        "|---|---|---|---|---|---|",
    ]
    lines += [row for r in results for row in size_rows(r)]
    lines += [
        "",
        "Requests at the restart (times client-side over loopback; *first*: nothing "
        "cached for that filter since the pool was loaded):",
        "",
    ]
    lines += ["| cities | request | first | median | |", "|---|---|---|---|---|"]
    lines += [row for r in results for row in request_rows(r)]
    if imported is not None:
        lines += [
            "",
            "`citydip pool import FILE --database` into a new instance (peak RSS of "
            "the process, from `getrusage`):",
            "",
            "| import | wall | peak RSS | |",
            "|---|---|---|---|",
            *import_rows(imported),
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--import-rows", type=int, default=50_000, help="0: no import")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "citydip-bench"
    )
    parser.add_argument("--no-write", action="store_true", help="print, leave the docs alone")
    args = parser.parse_args()
    results = [
        bench_size(int(n), args.seed, args.repeats, args.cache) for n in args.sizes.split(",")
    ]
    imported = bench_import(args.import_rows, args.seed) if args.import_rows else None
    command = "python perf/bench_network.py " + " ".join(sys.argv[1:])
    text = section(results, imported, command.strip())
    print(text)
    if not args.no_write:
        write_section(HEADING, text)


if __name__ == "__main__":
    main()
