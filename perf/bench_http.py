"""Benchmark the JSON API over HTTP: waitress on loopback, a load generator in another process.

Two measures (DESIGN §6):

1. Throughput of ``POST /api/v1/score`` against a bare Flask JSON endpoint served by the same
   waitress server in the same run. The bare endpoint is a tiny Flask app mounted at
   ``/bare`` by this script only (never shipped): it parses the same JSON body and sends it
   back (``jsonify``), with none of the app's hooks. Rounds alternate between the two paths,
   and the median rate of the rounds is reported. Target: score ≥ 50% of bare.
2. Latency of ``POST /api/v1/assessments`` (validate, score, store, peers in three modes,
   advice) with a 10,000-city pool, one request at a time on a keep-alive connection.
   Target: ≤ 20 ms median. Cities that keep their results private (the default) leave the
   pool as it is; cities that share join it, and the next peer query refits the finder on the
   whole pool: both are measured.

The server is the real app (``create_app``), with its demo pool of ``--pool`` cities, an
SQLite database in a temporary folder, and rate limits raised out of the way (the limiter
still runs on every write). The load generator is this script run with ``--client``: one
thread per connection, each with its own ``http.client`` keep-alive connection.

Run::

    .venv/bin/python perf/bench_http.py              # writes the HTTP section of docs/performance.md
    .venv/bin/python perf/bench_http.py --pool 1000 --seconds 2 --no-write
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "docs" / "performance.md"
HEADING = "## HTTP (perf/bench_http.py)"
EXAMPLE = ROOT / "examples" / "answers-established.yaml"
THREADS = 4  # as `citydip serve`


# --- the server (this process) ----------------------------------------------------------------


def bare_app() -> Any:
    """A Flask app with one JSON endpoint and nothing else: the floor to compare with."""
    from flask import Flask, jsonify, request

    bare = Flask("bare")

    @bare.post("/json")
    def echo() -> Any:
        return jsonify(request.get_json())

    return bare


def start_server(instance: Path, pool: int) -> tuple[Any, int, Any]:
    """The app and the bare app on one waitress server on a free loopback port."""
    import waitress
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
    served = DispatcherMiddleware(app, {"/bare": bare_app()})
    server = waitress.create_server(served, host="127.0.0.1", port=0, threads=THREADS)
    threading.Thread(target=server.run, daemon=True).start()
    return server, int(server.effective_port), app


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


# --- the load generator (``--client``, another process) ------------------------------------


def _post(conn: http.client.HTTPConnection, path: str, body: bytes) -> int:
    conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    return response.status


def _throughput(port: int, path: str, body: bytes, connections: int, seconds: float) -> float:
    """Requests per second over ``connections`` keep-alive connections for ``seconds``."""
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


def client(port: int, args: argparse.Namespace) -> dict[str, Any]:
    """Run every measure against the server on ``port``; returns the raw figures."""
    sent = bodies()
    # Warm up both paths (and the peer finder, fitted on the first peer query).
    _throughput(port, "/bare/json", sent["score"], 1, 0.5)
    _throughput(port, "/api/v1/score", sent["score"], 1, 0.5)
    _latencies(port, sent["private"], 5)
    rates: dict[str, list[float]] = {"bare": [], "score": []}
    for _ in range(args.rounds):
        for name, path in (("bare", "/bare/json"), ("score", "/api/v1/score")):
            rate = _throughput(port, path, sent["score"], args.connections, args.seconds)
            rates[name].append(rate)
    private = _latencies(port, sent["private"], args.creates)
    shared = _latencies(port, sent["shared"], args.shared)
    return {"rates": rates, "private_ms": private, "shared_ms": shared}


# --- report ------------------------------------------------------------------------------------


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def machine() -> str:
    """CPU, core count and versions, for the report."""
    from importlib.metadata import version

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{cpu}, nproc {len(os.sched_getaffinity(0))}, load average {load} at the end, "
        f"Python {platform.python_version()}, Flask {version('flask')}, "
        f"waitress {version('waitress')}, pydantic {version('pydantic')}"
    )


def section(figures: dict[str, Any], args: argparse.Namespace, command: str) -> str:
    """The HTTP section of docs/performance.md."""
    bare = statistics.median(figures["rates"]["bare"])
    score = statistics.median(figures["rates"]["score"])
    ratio = score / bare
    private, shared = figures["private_ms"], figures["shared_ms"]
    p_med, s_med = statistics.median(private), statistics.median(shared)
    met = {True: "met", False: "**not met**"}
    rounds = ", ".join(
        f"{b:,.0f}/{s:,.0f}"
        for b, s in zip(figures["rates"]["bare"], figures["rates"]["score"], strict=True)
    )
    return f"""{HEADING}

Command: `{command}` — {date.today().isoformat()}; {machine()}.
Server: the real app (`create_app`, SQLite in a temporary folder, {args.pool:,}-city demo pool)
and a bare Flask app mounted at `/bare` by the script only, on one waitress server
({THREADS} threads, as `citydip serve`) on 127.0.0.1. Load: a separate process, one thread and
one keep-alive `http.client` connection per connection. The machine's two cores are shared
by server and load generator, so absolute rates are low; the ratio is what the target is about.

*Throughput*: {args.connections} connections, {args.rounds} alternating rounds of
{args.seconds:g} s per path, median of the rounds (bare/score per round: {rounds} req/s).
Both receive the same body, the answers of `examples/answers-established.yaml`
({len(bodies()["score"]):,} bytes); the bare endpoint sends it back with `jsonify`, the score
endpoint validates, scores and sends the scorecard
(`POST /api/v1/score`, with rate limiting, security headers and the app's other hooks).

*Create latency*: `POST /api/v1/assessments` (validate, score, 4 writes, peers in the three
modes with explanations, advice; a 201 of about 90 kB) one at a time on one connection,
measured by the client. *Private*: the city keeps its results out of the pool, so the pool
does not change ({args.creates} requests). *Shared*: the city joins the pool, so the next
peer query refits the finder on the whole pool (the finder is refitted whenever the pool
changes; {args.shared} requests).

| measure | median | p90 | target | |
|---|---|---|---|---|
| bare Flask JSON endpoint (`/bare/json`) | {bare:,.0f} req/s | | | |
| `POST /api/v1/score` | {score:,.0f} req/s | | | |
| score ÷ bare | {ratio:.0%} | | ≥ 50% | {met[ratio >= 0.5]} |
| create, {args.pool:,}-city pool, private | {p_med:.1f} ms | {_quantile(private, 0.9):.1f} ms | ≤ 20 ms | {met[p_med <= 20]} |
| create, {args.pool:,}-city pool, shared (pool refit) | {s_med:.1f} ms | {_quantile(shared, 0.9):.1f} ms | | |
"""  # noqa: E501


def write_report(text: str) -> None:
    """Replace this benchmark's section of docs/performance.md, keeping the others."""
    old = REPORT.read_text("utf-8") if REPORT.exists() else "# Performance\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(old):
        new = pattern.sub(lambda _: text + "\n", old)
    else:
        new = old.rstrip("\n") + "\n\n" + text
    REPORT.write_text(new.rstrip("\n") + "\n", "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pool", type=int, default=10_000, help="demo cities in the pool")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--creates", type=int, default=200, help="private creations timed")
    parser.add_argument("--shared", type=int, default=10, help="shared creations timed")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--client", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        print(json.dumps(client(args.client, args)))
        return
    command = " ".join([".venv/bin/python", "perf/bench_http.py", *sys.argv[1:]])
    with tempfile.TemporaryDirectory(prefix="citydip-bench-http-") as folder:
        started = time.perf_counter()
        server, port, app = start_server(Path(folder) / "instance", args.pool)
        print(f"server on port {port}, built in {time.perf_counter() - started:.1f} s", flush=True)
        try:
            run = subprocess.run(
                [sys.executable, __file__, "--client", str(port), *sys.argv[1:]],
                capture_output=True,
                text=True,
                check=True,
            )
        finally:
            server.close()
            from web import storage

            storage.dispose(app)
    text = section(json.loads(run.stdout), args, command)
    print(text)
    if not args.no_write:
        write_report(text)
        print(f"written to {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
