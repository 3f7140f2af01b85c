"""The app as operators run it: real ``citydip serve`` and gunicorn processes on 127.0.0.1.

Each test is bounded in time and in requests. The PostgreSQL ones run in the PostgreSQL pass
of ``make test`` (marker ``postgres``); the others run on both databases.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from database import database_url, run_sql
from served import Served, free_port, start_server, stop_server, tool, wait_until_up
from web_helpers import example_answers, make_app

pytestmark = pytest.mark.processes

#: Limits high enough that only the counts below decide what happens.
NO_LIMITS = {
    "CITYDIP_API_WRITE_RATE_LIMIT": "1000000 per minute",
    "CITYDIP_API_SCORE_RATE_LIMIT": "1000000 per minute",
    "CITYDIP_WRITE_RATE_LIMIT": "1000000 per minute",
}
SHARING = ("private", "anonymous", "named")
REQUEST_TIMEOUT_S = 30


def create_body(n: int) -> dict[str, Any]:
    """A valid ``POST /api/v1/assessments`` body for the ``n``-th city."""
    data = example_answers()
    return {
        "rulebook": data["rulebook"],
        "answers": {**data["answers"], "staff.team_size": 1 + n % 7},
        "notes": data.get("notes", {}),
        "profile": {
            "name": f"Served City {n}",
            "country": "DK",
            "population": 50_000 + 1_000 * n,
            "capital": False,
        },
        "sharing": SHARING[n % len(SHARING)],
    }


def call(url: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    """(status, JSON body) of a GET, or of a POST of ``body``; never raises on HTTP errors."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


@pytest.fixture
def servers() -> Iterator[list[Served]]:
    """The servers a test starts; all of them are stopped afterwards, whatever happens."""
    started: list[Served] = []
    yield started
    for served in started:
        stop_server(served)


def serve(folder: Path, url: str, *args: str, name: str, **settings: str) -> tuple[Served, int]:
    port = free_port()
    command = [tool("citydip"), "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    served = start_server(
        command,
        folder=folder,
        database_url=url,
        port=port,
        settings={**NO_LIMITS, **settings},
        name=name,
        wait=False,
    )
    return served, port


# --- several processes, one database --------------------------------------------------------

CREATES = 2_000
CLIENT_THREADS = 16


@pytest.mark.postgres
def test_two_processes_on_one_postgresql_database_lose_nothing(
    tmp_path: Path, servers: list[Served]
) -> None:
    url = database_url(tmp_path, "shared")
    for n in range(2):  # started together: they migrate and seed the demo pool at once
        servers.append(serve(tmp_path, url, "--threads", "8", name=f"serve-{n}")[0])
    for served in servers:
        wait_until_up(served)

    def create(n: int) -> tuple[int, Any]:
        return call(f"{servers[n % 2].url}/api/v1/assessments", create_body(n))

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        answers = list(pool.map(create, range(CREATES)))
    statuses = Counter(status for status, _ in answers)
    tokens = [body["token"] for status, body in answers if status == 201]
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        reads = list(
            pool.map(
                lambda pair: call(f"{pair[0].url}/api/v1/assessments/{pair[1]}"),
                [(served, token) for served in servers for token in tokens],
            )
        )
    readable = Counter(status for status, _ in reads)
    print(
        f"\n{CREATES} creates over 2 processes: {statuses[201]} acknowledged, "
        f"{readable[200] // 2} readable from both, "
        f"{sum(n for s, n in statuses.items() if s >= 500)} × 5xx"
    )
    assert statuses == {201: CREATES}
    assert readable == {200: 2 * CREATES}
    shared = sum(1 for n in range(CREATES) if SHARING[n % 3] != "private")
    for token in (tokens[0], tokens[1], tokens[-1]):  # one private, one anonymous, ...
        seen = [call(f"{s.url}/api/v1/assessments/{token}/peers?mode=comparable") for s in servers]
        assert seen[0] == seen[1]  # the same pool, the same peers, from either process
        status, peers = seen[0]
        assert status == 200
        assert peers["pool_size"] in (50 + shared, 50 + shared - 1)  # less itself if shared


# --- a create killed mid-way ------------------------------------------------------------------


def test_a_create_killed_mid_way_leaves_nothing_behind(
    tmp_path: Path, servers: list[Served]
) -> None:
    url = database_url(tmp_path, "killed")
    served, _port = serve(tmp_path, url, "--threads", "8", name="serve")
    servers.append(served)
    wait_until_up(served)
    acknowledged: list[str] = []
    broken = Counter[str]()
    stop = threading.Event()

    def client(first: int) -> None:
        n = first
        while not stop.is_set():
            try:
                status, body = call(f"{served.url}/api/v1/assessments", create_body(n))
            except (OSError, http.client.HTTPException) as exc:  # died with the server
                broken[type(exc).__name__] += 1
                return
            if status == 201:
                acknowledged.append(body["token"])
            n += 8

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 80 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop_server(served, kill=True)  # SIGKILL, with creates in flight
    stop.set()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT_S + 5)
    assert len(acknowledged) >= 80
    assert sum(broken.values()) >= 1, "no create was in flight when the server was killed"

    app = make_app(tmp_path, database_url=url, demo_pool=False)
    rows = run_sql(app, "SELECT id, token_hash, status, sharing, scorecard FROM assessments")
    assert rows and all(status == "submitted" and card for _i, _h, status, _s, card in rows)
    shared = {i for i, _h, _status, sharing, _c in rows if sharing != "private"}
    in_pool = run_sql(app, "SELECT assessment_id FROM pool_records WHERE source = 'submitted'")
    assert sorted(i for (i,) in in_pool) == sorted(shared)
    stored = {token_hash for _i, token_hash, *_ in rows}
    lost = [t for t in acknowledged if hashlib.sha256(t.encode()).hexdigest() not in stored]
    assert lost == []


# --- serving limits ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "idle", "answers"),
    [
        pytest.param((), 150, True, id="default-settings-150-idle"),
        # the check can fail: waitress' own limit of 100 shuts everyone out at 101 idle sockets
        pytest.param(("--connection-limit", "100"), 110, False, id="limit-100-110-idle"),
    ],
)
def test_the_server_answers_while_idle_sockets_are_open(
    tmp_path: Path, servers: list[Served], args: tuple[str, ...], idle: int, answers: bool
) -> None:
    served, port = serve(
        tmp_path, database_url(tmp_path), *args, name="serve", CITYDIP_DEMO_POOL="false"
    )
    servers.append(served)
    wait_until_up(served)
    sockets = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(idle)]
    try:
        time.sleep(0.5)  # waitress accepts them, and they say nothing
        try:
            with urllib.request.urlopen(served.url + "/", timeout=5) as response:
                answered = response.status == 200
        except OSError:  # timed out: the server did not take the connection
            answered = False
    finally:
        for sock in sockets:
            sock.close()
    assert answered is answers


# --- gunicorn ---------------------------------------------------------------------------------


@pytest.mark.postgres
def test_gunicorn_serves_the_app_with_two_workers_on_postgresql(
    tmp_path: Path, servers: list[Served]
) -> None:
    port = free_port()
    command = [tool("gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "web:create_app()"]
    served = start_server(
        command,
        folder=tmp_path,
        database_url=database_url(tmp_path, "gunicorn"),
        port=port,
        settings=NO_LIMITS,
        name="gunicorn",
    )
    servers.append(served)
    created = [call(f"{served.url}/api/v1/assessments", create_body(n)) for n in range(20)]
    assert [status for status, _ in created] == [201] * 20
    for _status, body in created:
        status, found = call(f"{served.url}/api/v1/assessments/{body['token']}")
        assert status == 200 and found["profile"]["name"] == body["profile"]["name"]
    with urllib.request.urlopen(served.url + "/", timeout=REQUEST_TIMEOUT_S) as page:
        assert page.status == 200 and b"<html" in page.read()
    assert served.log_text().count("Booting worker with pid") == 2
