"""Benchmark the JSON API over HTTP: waitress on loopback, a load generator in another process.

Two measures (DESIGN §6):

1. Throughput of ``POST /api/v1/score`` against bare JSON endpoints served by the same
   waitress server in the same run, both added by this script only (never shipped):

   * ``/bare/json``, a tiny Flask app of its own mounted beside the real app: it parses the
     JSON body and sends it back (``jsonify``), with none of the app's hooks;
   * ``/api/v1/bench/json``, the same echo as a blueprint registered on the real app, so it
     runs the app's site-wide hooks as every API request does (the session interface, which
     opens no session under ``/api/``, CSRF check, security headers, the API's routing-error
     check, both Flask-Limiter instances' hooks, Babel) but does no work of its own.

   Each round runs every path for the same time, alternating; the median rate of the
   rounds is reported, with the server's CPU time per request (``time.process_time`` of the
   server process over the round). Target: score ≥ 50% of the bare endpoint.
2. Latency of ``POST /api/v1/assessments`` (validate, score, store, peers in three modes,
   advice) with a 10,000-city pool, one request at a time on a keep-alive connection.
   Target: ≤ 20 ms median. Cities that keep their results private (the default) leave the
   pool as it is; cities that share join it, and the next peer query refits the finder on what
   it holds plus the new city (``web/peers.py``): both are measured. In process, the script
   also times the pool's signature (every peer query), that incremental refit, and the first
   peer query after start-up, which reads the whole pool.

The server is the real app (``create_app``), with its demo pool of ``--pool`` cities, an
SQLite database in a temporary folder, and rate limits raised out of the way (the limiter
still counts every write). The load generator is this script run with ``--client``: one thread
per connection, each with its own ``http.client`` keep-alive connection.

Run::

    .venv/bin/python perf/bench_http.py     # rewrites the HTTP section of docs/performance.md
    .venv/bin/python perf/bench_http.py --pool 1000 --seconds 2 --no-write
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

from report import REPORT, write_section

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## HTTP (perf/bench_http.py)"
EXAMPLE = ROOT / "examples" / "answers-established.yaml"
THREADS = 4  # as `citydip serve`
#: name → (path, what it is)
PATHS = {
    "bare": ("/bare/json", "bare Flask app (`/bare/json`)"),
    "in_app": ("/api/v1/bench/json", "bare endpoint in the app (`/api/v1/bench/json`)"),
    "score": ("/api/v1/score", "`POST /api/v1/score`"),
}


# --- the server (this process) ----------------------------------------------------------------


def _echo() -> Any:
    from flask import jsonify, request

    return jsonify(request.get_json())


def bare_app() -> Any:
    """A Flask app with one JSON endpoint and nothing else."""
    from flask import Flask

    bare = Flask("bare")
    bare.add_url_rule("/json", "echo", _echo, methods=["POST"])
    return bare


def start_server(instance: Path, pool: int) -> tuple[Any, int, Any, Any]:
    """The app (with the in-app bare endpoint) and the bare app on one waitress server.

    Returns the server, its port, the app, and the WSGI application it serves.
    """
    import waitress
    from flask import Blueprint
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from web import create_app

    app = create_app(
        {
            "instance_path": instance,
            "demo_pool_size": pool,
            "api_write_rate_limit": "100000000 per minute",
            "api_score_rate_limit": "100000000 per minute",
        }
    )
    bench = Blueprint("bench", __name__, url_prefix="/api/v1/bench")
    bench.add_url_rule("/json", "echo", _echo, methods=["POST"])
    app.extensions["csrf"].exempt(bench)  # as the API is
    app.register_blueprint(bench)
    served = DispatcherMiddleware(app, {"/bare": bare_app()})
    server = waitress.create_server(served, host="127.0.0.1", port=0, threads=THREADS)
    threading.Thread(target=server.run, daemon=True).start()
    return server, int(server.effective_port), app, served


def bodies() -> dict[str, bytes]:
    """Request bodies: the example answers, and a private and a shared assessment."""
    import yaml

    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    answers = {"answers": data["answers"], "notes": data["notes"]}
    profile = {k: v for k, v in data["profile"].items() if k not in ("region", "eu_member")}
    return {
        "score": json.dumps(answers).encode(),
        "private": json.dumps({**answers, "profile": profile, "sharing": "private"}).encode(),
        "shared": json.dumps({**answers, "profile": profile, "sharing": "anonymous"}).encode(),
    }


def run_client(port: int, task: dict[str, Any]) -> Any:
    """Run one load-generator task in a separate process; returns what it printed (JSON)."""
    out = subprocess.run(
        [sys.executable, __file__, "--client", str(port), json.dumps(task)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def measure(port: int, args: argparse.Namespace) -> dict[str, Any]:
    """Every measure against the server on ``port`` (in this process)."""
    warm = {"kind": "rate", "connections": 1, "seconds": 0.5}
    for path, _label in PATHS.values():
        run_client(port, {**warm, "path": path})
    run_client(port, {"kind": "latency", "body": "private", "count": 5})  # fits the finder
    rates: dict[str, list[tuple[float, float]]] = {name: [] for name in PATHS}
    for _ in range(args.rounds):
        for name, (path, _label) in PATHS.items():
            cpu = time.process_time()
            rate = run_client(
                port,
                {"kind": "rate", "path": path, "connections": args.connections,
                 "seconds": args.seconds},
            )  # fmt: skip
            cpu_us = (time.process_time() - cpu) / (rate * args.seconds) * 1e6
            rates[name].append((rate, cpu_us))
    private = run_client(port, {"kind": "latency", "body": "private", "count": args.creates})
    shared = run_client(port, {"kind": "latency", "body": "shared", "count": args.shared})
    return {"rates": rates, "private_ms": private, "shared_ms": shared}


def in_process(served: Any, path: str, calls: int = 1000) -> float:
    """Microseconds of one WSGI call of ``path`` without HTTP (best of 3 runs)."""
    from werkzeug.test import EnvironBuilder

    body = bodies()["score"]

    def call() -> None:
        environ = EnvironBuilder(
            path=path, method="POST", data=body, content_type="application/json"
        ).get_environ()
        statuses: list[str] = []
        b"".join(served(environ, lambda status, _headers, _exc=None: statuses.append(status)))
        if not statuses[0].startswith("200"):
            raise SystemExit(f"{path}: {statuses[0]}")

    for _ in range(100):
        call()
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(calls):
            call()
        best = min(best, (time.perf_counter() - started) / calls * 1e6)
    return best


def pool_signature_ms(app: Any, calls: int = 20) -> float:
    """Median milliseconds of ``storage.pool_signature()``, run by every peer query."""
    from web import storage

    times = []
    with app.app_context():
        for _ in range(calls):
            started = time.perf_counter()
            storage.pool_signature()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def refit_ms(app: Any, times: int = 7) -> tuple[float, float]:
    """Milliseconds of the peer service's refit after one new city (median of ``times``), and
    of the first peer query of a new service (it reads and parses the whole pool)."""
    from web import state, storage
    from web.peers import PeerService, peer_finder

    elapsed = []
    with app.app_context():
        peer_finder()
        template = storage.load_pool_entries(ids={min(storage.pool_ids())})[0].record
        for n in range(times):
            record = template.model_copy(update={"id": f"bench-refit-{n}", "source": "import"})
            storage.add_pool_records(records=[record])
            started = time.perf_counter()
            peer_finder()
            elapsed.append((time.perf_counter() - started) * 1000)
        service = PeerService(state.rulebook(), state.settings().k)
        started = time.perf_counter()
        service.finder()
        first = (time.perf_counter() - started) * 1000
    return statistics.median(elapsed), first


# --- the load generator (``--client``, another process) ------------------------------------


def _post(conn: http.client.HTTPConnection, path: str, body: bytes) -> int:
    conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    return response.status


def _throughput(port: int, path: str, connections: int, seconds: float) -> float:
    """Requests per second over ``connections`` keep-alive connections for ``seconds``."""
    body = bodies()["score"]
    counts = [0] * connections
    errors: list[str] = []
    deadline = time.perf_counter() + seconds

    def work(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            status = _post(conn, path, body)
            if status != 200:
                errors.append(f"{path}: HTTP {status}")
                return
            counts[i] += 1
        conn.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=work, args=(i,)) for i in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise SystemExit(errors[0])
    return sum(counts) / (time.perf_counter() - started)


def _latencies(port: int, body: bytes, count: int) -> list[float]:
    """Milliseconds of ``count`` assessments created one after the other."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        status = _post(conn, "/api/v1/assessments", body)
        times.append((time.perf_counter() - started) * 1000)
        if status != 201:
            raise SystemExit(f"create: HTTP {status}")
    conn.close()
    return times


def client(port: int, task: dict[str, Any]) -> Any:
    """One task of the load generator."""
    if task["kind"] == "rate":
        return _throughput(port, task["path"], task["connections"], task["seconds"])
    return _latencies(port, bodies()[task["body"]], task["count"])


# --- report ------------------------------------------------------------------------------------


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def machine() -> str:
    """CPU, core count, load and versions, for the report."""
    from importlib.metadata import version

    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{cpu}, nproc {len(os.sched_getaffinity(0))}, load average {load} at the end "
        f"(the machine is shared), Python {platform.python_version()}, Flask {version('flask')}, "
        f"waitress {version('waitress')}, Flask-Limiter {version('flask-limiter')}, "
        f"pydantic {version('pydantic')}"
    )


def section(figures: dict[str, Any], args: argparse.Namespace, command: str) -> str:
    """The HTTP section of docs/performance.md."""
    rates = {n: statistics.median(r for r, _c in v) for n, v in figures["rates"].items()}
    cpus = {n: statistics.median(c for _r, c in v) for n, v in figures["rates"].items()}
    wsgi = figures["in_process_us"]
    private, shared = figures["private_ms"], figures["shared_ms"]
    p_med, s_med = statistics.median(private), statistics.median(shared)
    s_p90 = _quantile(shared, 0.9)
    met = {True: "met", False: "**not met**"}
    strict = rates["score"] / rates["bare"]
    in_app = rates["score"] / rates["in_app"]
    rows = "\n".join(
        f"| {label} | {rates[n]:,.0f} req/s | {cpus[n]:,.0f} µs | {wsgi[n]:,.0f} µs | |"
        for n, (_path, label) in PATHS.items()
    )
    per_round = "; ".join(
        " / ".join(f"{r:,.0f}" for r, _c in rounds) + f" ({n})"
        for n, rounds in figures["rates"].items()
    )
    body = len(bodies()["score"])
    signature = figures["pool_signature_ms"]
    refit, first = figures["refit_ms"], figures["first_query_ms"]
    return f"""{HEADING}

Command: `{command}` — {date.today().isoformat()}; {machine()}.

Server: the real app (`create_app`, SQLite in a temporary folder, {args.pool:,}-city demo
pool) on one waitress server ({THREADS} threads, as `citydip serve`) on 127.0.0.1, with two
bare JSON endpoints added by the script only: a tiny Flask app of its own mounted at `/bare`,
and the same echo as a blueprint of the real app at `/api/v1/bench/json` (it runs the app's
site-wide hooks as every API request does — session interface, CSRF check, security headers,
both Flask-Limiter instances' hooks, Babel — and nothing else). Load: a separate process per
round, one thread and one keep-alive `http.client` connection per connection; server and
load generator share the machine's cores.

*Throughput*: {args.connections} connections, {args.rounds} rounds of {args.seconds:g} s per
path, paths alternating; the median of the rounds (per round: {per_round}). *Server CPU*: CPU
time of the server process per request over the round. *In process*: one WSGI call without
HTTP, best of 3 × 1,000. Every path receives the same body, the answers of
`examples/answers-established.yaml` ({body:,} bytes); the bare endpoints send it back with
`jsonify`, the score endpoint validates it, scores it and sends the scorecard (about 14 kB),
counting it against the API's rate limit.

| `POST`, {args.connections} connections | over HTTP | server CPU / request | in process | |
|---|---|---|---|---|
{rows}
| score ÷ bare Flask app (target ≥ 50%) | {strict:.0%} | | | {met[strict >= 0.5]} |
| score ÷ bare endpoint in the app (target ≥ 50%) | {in_app:.0%} | | | {met[in_app >= 0.5]} |

*Create latency*: `POST /api/v1/assessments` (validate, score, 4 writes, peers in the three
modes with explanations, advice; a 201 of about 90 kB), one at a time on one connection,
timed by the client. *Private*: the city keeps its results out of the pool, so the pool does
not change ({args.creates} requests). *Shared*: the city joins the pool, so the next peer
query refits the finder: `web/peers.py` reads the pool's ids and the one new record, and fits
on the records it holds in memory ({args.shared} requests). The last three rows are timed in
process after the HTTP rounds: the signature the peer service reads on every query (median
of 20), the refit after one new city (median of 7), and the first peer query of a new peer
service, as after a restart (once).

| create, {args.pool:,}-city pool | median | p90 | target | |
|---|---|---|---|---|
| private | {p_med:.1f} ms | {_quantile(private, 0.9):.1f} ms | ≤ 20 ms | {met[p_med <= 20]} |
| shared (the pool changes: incremental refit) | {s_med:.1f} ms | {s_p90:.1f} ms | | |
| of which `storage.pool_signature()`, run by every peer query | {signature:.1f} ms | | | |
| of which the refit after one new city | {refit:.1f} ms | | | |
| first peer query after start-up (reads the whole pool) | {first:,.0f} ms | | | |

Where the time goes:

* *Score throughput.* The score endpoint reaches {in_app:.0%} of the bare endpoint in the app
  but {strict:.0%} of a bare Flask app: the gap is the app's site-wide hooks (compare the
  two bare endpoints) and the API's own part — validation (pydantic, in Rust),
  `score_assessment` (about 100 µs, in `rules/`), the scorecard's JSON and one rate-limit hit.
  On API requests no session is opened (`CookielessPathsSessionInterface` in
  `web/security.py` gives `/api/v1` Flask's null session, so the cookie is neither verified
  nor set; opening it was about 80 µs a request in a profile), and the security headers are
  added in one pass over the response's headers. Both Flask-Limiter instances still run their
  per-request hooks on API requests (`_check_request_limit`, about 85 µs together in a
  profile) although their request filters end the work early; removing those hooks would
  mean patching Flask-Limiter's registration, which we chose not to do. On 2026-11-28 an
  experiment that did so reached 49% and 51% of the
  bare Flask app in two runs. Both limiters
  (the forms' and the API's) keep their counters in `CITYDIP_RATELIMIT_STORAGE_URI`; with
  the default `memory://` each starts a timer thread every 10 ms under load
  (`limits.storage.MemoryStorage`), which cost about 4 points of the ratio in a separate A/B
  run.
* *Create latency.* `storage.pool_signature()` ({signature:.1f} ms, {signature / p_med:.0%} of
  the private median) is two index lookups since migration 0003 added an index on
  `pool_records (updated_at, id)`; it was a scan of every JSON record before (11.2 ms at
  10,000 cities on 2026-11-28, half of a 23.7 ms median). In a profile of the private create
  in process, peers and advice (three queries, explanations for every peer) take about half
  of the time, the four writes (each reads its row and commits) nearly as much, and scoring
  about 0.5 ms.
* *Shared create.* A refit used to read and parse the whole pool (1595.0 ms median on
  2026-11-28): the fit itself is about 11 ms at 10,000 cities, but parsing a stored record
  (`json.loads`, then pydantic) costs about 0.1 ms. The refit is now incremental: it reads
  the pool's ids (an index scan, about 7 ms at 10,000) and the ids stored since the latest
  change it has seen, parses the new records only, extends the pool's arrays it keeps, and
  fits a new finder on the records in memory (the refit row). Only the first peer query of a
  process still reads and parses the whole pool (the last row).
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pool", type=int, default=10_000, help="demo cities in the pool")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of one round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--creates", type=int, default=200, help="private creations timed")
    parser.add_argument("--shared", type=int, default=10, help="shared creations timed")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--client", nargs=2, metavar=("PORT", "TASK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        print(json.dumps(client(int(args.client[0]), json.loads(args.client[1]))))
        return
    command = " ".join([".venv/bin/python", "perf/bench_http.py", *sys.argv[1:]])
    with tempfile.TemporaryDirectory(prefix="citydip-bench-http-") as folder:
        started = time.perf_counter()
        server, port, app, served = start_server(Path(folder) / "instance", args.pool)
        print(f"server on port {port}, built in {time.perf_counter() - started:.1f} s", flush=True)
        try:
            figures = measure(port, args)
            figures["in_process_us"] = {n: in_process(served, p) for n, (p, _l) in PATHS.items()}
            figures["pool_signature_ms"] = pool_signature_ms(app)
            figures["refit_ms"], figures["first_query_ms"] = refit_ms(app)
        finally:
            server.close()
            from web import storage

            storage.dispose(app)
    text = section(figures, args, command)
    print(text)
    if not args.no_write:
        write_section(HEADING, text)
        print(f"written to {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
