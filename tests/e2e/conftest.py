"""Fixtures for the browser tests: the real app served by waitress, and Debian's Chromium.

The app runs as ``citydip serve`` in a subprocess, with ``CITYDIP_*`` settings pointing at a
temporary instance folder (SQLite file, secret key) and a small demo pool, exactly as an
operator would start it. Playwright drives the system Chromium at ``/usr/bin/chromium``: this
machine cannot download Playwright's own browser builds, so ``playwright install`` is never run.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

try:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright
except ModuleNotFoundError as exc:  # say how to fix it rather than only what is missing
    raise ModuleNotFoundError(
        f"{exc}: the browser tests in tests/e2e need Playwright and axe-playwright-python. "
        "Run `make test` (or pip install -e '.[test]'). Do not run "
        "`playwright install`: the tests use Debian's Chromium (apt-get install -y chromium)."
    ) from exc

#: The work tree under test.
REPO_ROOT = Path(__file__).resolve().parents[2]

#: The browser the suite drives; override with E2E_CHROMIUM for another Chromium build.
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))

#: Flags that keep Chromium off the network: on this closed network its background
#: connections are refused, and it would try to reach Google's hosts at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: Every Playwright wait (locators, navigation) gives up after this many milliseconds.
PAGE_TIMEOUT_MS = 10_000

#: How long the server may take to start (migrations, demo pool) before the suite fails.
SERVER_START_S = 60

#: A small demo pool keeps start-up fast and still gives more cities than the k peers shown.
DEMO_POOL_SIZE = 60

#: The served app's admin token (CITYDIP_ADMIN_TOKEN), for the network pages' tests.
ADMIN_TOKEN = "e2e-admin-token-not-a-secret"

#: Chromium reports CSP violations as console errors that start like this.
_CSP_MESSAGE = re.compile(r"Content Security Policy|Refused to (load|apply|execute|frame)", re.I)

#: Recorded in every page: CSP violations as the browser reports them to the document.
_CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`
    + ` at ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
});
"""


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``e2e`` marker (``--strict-markers`` is on)."""
    config.addinivalue_line(
        "markers",
        "e2e: end-to-end test in a real browser (Chromium) against the app served by waitress",
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Add the end of the server's log to the report of a failed browser test."""
    report = yield
    server = getattr(item, "funcargs", {}).get("live_server")
    if report.failed and isinstance(server, LiveServer):
        report.sections.append(("citydip serve log (last lines)", server.log_tail()))
    return report


# --------------------------------------------------------------------------- server


def _tail(log: Path, lines: int = 40) -> str:
    if not log.is_file():
        return "(no server log)"
    return "\n".join(log.read_text("utf-8", "replace").splitlines()[-lines:])


@dataclass(frozen=True)
class LiveServer:
    """The running app: its base URL, instance folder and log file."""

    url: str
    instance: Path
    log: Path
    #: the admin token the app was started with, to sign in to the network pages
    admin_token: str = ADMIN_TOKEN

    def log_tail(self, lines: int = 40) -> str:
        """The last lines the server wrote, to explain a failure."""
        return _tail(self.log, lines)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _citydip() -> str:
    found = Path(sys.executable).with_name("citydip")
    if found.is_file():
        return str(found)
    on_path = shutil.which("citydip")
    if on_path is None:
        pytest.fail("the `citydip` command is not installed; run `make test` (pip install -e .)")
    return on_path


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"`citydip serve` exited with code {process.returncode} before answering.\n"
                f"Server log ({log}):\n{_tail(log)}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
                last_error = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            last_error = f"HTTP {exc.code}"
        except OSError as exc:
            last_error = str(exc)
        time.sleep(0.2)
    pytest.fail(
        f"the app did not answer {url} within {SERVER_START_S} s (last: {last_error}).\n"
        f"Server log ({log}):\n{_tail(log)}"
    )


def _wait_for_pool(process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait for the demo pool: ``citydip serve`` answers pages while it is still loading it
    in a thread, and a dashboard read in that moment shows an empty pool."""
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if "Peer pool:" in log.read_text("utf-8", "replace"):
            return
        if process.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(f"the app did not report its peer pool loaded.\nServer log ({log}):\n{_tail(log)}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``citydip serve`` on a free port of 127.0.0.1, with a fresh instance folder."""
    instance = tmp_path_factory.mktemp("e2e-instance")
    log = instance / "server.log"
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CITYDIP_")  # a developer's own settings must not leak in
    }
    env.update(
        CITYDIP_INSTANCE_PATH=str(instance),
        CITYDIP_DATABASE_URL=f"sqlite:///{instance / 'e2e.sqlite3'}",
        CITYDIP_DEMO_POOL="true",
        CITYDIP_DEMO_POOL_SIZE=str(DEMO_POOL_SIZE),
        # The suite posts many forms from one address: keep the write limit out of the way.
        CITYDIP_WRITE_RATE_LIMIT="10000 per minute",
        CITYDIP_ADMIN_TOKEN=ADMIN_TOKEN,
        # Serve this work tree's code, whatever the environment's installed copy says.
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
    )
    command = [_citydip(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=REPO_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url + "/", process, log)
        _wait_for_pool(process, log)
        yield LiveServer(url=url, instance=instance, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(autouse=True)
def server_log_stays_clean(live_server: LiveServer) -> Iterator[None]:
    """Fail a test during which the app logged an exception, even if the page looked fine."""
    start = live_server.log.stat().st_size
    yield
    with live_server.log.open("rb") as log:
        log.seek(start)
        written = log.read().decode("utf-8", "replace")
    if re.search(r"Traceback|Exception on |ERROR", written):
        pytest.fail(f"the app logged an error during the test:\n{written[-4000:]}")


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, kept off the network but for 127.0.0.1."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}; the browser tests need it.\n"
            "Install it with:  sudo apt-get install -y chromium\n"
            "(do not run `playwright install`: browser downloads are blocked here)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=30_000
        )
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class PageProblems:
    """Console errors, uncaught exceptions and CSP violations seen in one page."""

    found: list[str] = field(default_factory=list)

    def record_console(self, message: ConsoleMessage) -> None:
        """Keep console errors: CSP violations and failed loads arrive as errors too."""
        if message.type == "error" or _CSP_MESSAGE.search(message.text):
            where = (message.location or {}).get("url", "")
            self.found.append(f"[console.{message.type}] {message.text} ({where})")

    def record_page_error(self, error: object) -> None:
        """Keep uncaught exceptions of the page's scripts."""
        self.found.append(f"[pageerror] {error}")

    def take(self) -> list[str]:
        """The problems recorded since the last call, forgetting them."""
        taken, self.found = self.found, []
        return taken


@dataclass(frozen=True)
class Tab:
    """A page in a browser context of its own, with its problems recorded from the start."""

    page: Page
    problems: PageProblems
    context: BrowserContext


@pytest.fixture
def open_tab(browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., Tab]]:
    """Open pages in fresh browser contexts (own cookies); keyword options go to Playwright's
    ``new_context`` (``java_script_enabled=False``...). Every context closes after the test."""
    contexts: list[BrowserContext] = []

    def opener(**options: Any) -> Tab:
        context = browser.new_context(base_url=live_server.url, **options)
        contexts.append(context)
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        context.set_default_navigation_timeout(PAGE_TIMEOUT_MS)
        if options.get("java_script_enabled", True):
            context.add_init_script(_CSP_LISTENER)
        page = context.new_page()
        problems = PageProblems()
        page.on("console", problems.record_console)
        page.on("pageerror", problems.record_page_error)
        return Tab(page=page, problems=problems, context=context)

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture
def tab(open_tab: Callable[..., Tab]) -> Tab:
    """A page in a fresh browser context."""
    return open_tab()
