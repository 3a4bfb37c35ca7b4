"""Browser tests: Debian's Chromium, driven by Playwright, against the app served by gunicorn.

The server runs on 127.0.0.1 with its own fresh database (SQLite, or a PostgreSQL clone when
TEST_DATABASE_URL is set), loaded with the demo data so that the demo accounts exist. Commands
that move time on (`escalations run --at`, `reports weekly`) run as real CLI processes against
the same database. Without Chromium every browser test is skipped and says why.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.chromium import chromium_path, why_browser_tests_cannot_run
from tests.conftest import fresh_database

ROOT = Path(__file__).resolve().parents[2]
SERVER_START_SECONDS = 30


def pytest_runtest_makereport(item, call):
    """Remember the failed step of a class whose steps run in order (`in_order = True`)."""
    failed = call.excinfo is not None and not call.excinfo.errisinstance(pytest.skip.Exception)
    if failed and getattr(item.cls, "in_order", False):
        item.cls.failed_step = item.name


def pytest_runtest_setup(item):
    failed = getattr(item.cls, "failed_step", None)
    if failed is not None:
        pytest.skip(f"the step before it, {failed}, failed")


@dataclass
class LiveServer:
    base_url: str
    database_url: str
    env: dict

    def flask(self, *args: str) -> str:
        """Run `flask --app wsgi ARGS` against the server's database; its output."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise AssertionError(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The web server exited at start:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(
        f"The web server did not answer {url} in {SERVER_START_SECONDS}s:\n{log.read_text()}"
    )


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    reason = why_browser_tests_cannot_run()
    if reason:
        pytest.skip(reason)
    return chromium_path()


@pytest.fixture(scope="session")
def live_server(chromium_executable, database_template, tmp_path_factory) -> Iterator[LiveServer]:
    directory = tmp_path_factory.mktemp("live")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with fresh_database(database_template, directory) as database_url:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "YOI_WELFARE_ENV": "test",
            "YOI_WELFARE_INSTANCE": str(directory),
            "SECRET_KEY": secrets.token_hex(32),
            "BASE_URL": base_url,
            # Many sign-ins from one address in a few seconds: the journeys are not an attack.
            "SIGN_IN_RATE_LIMIT": "1000 per minute",
        }
        server = LiveServer(base_url, database_url, env)
        server.flask("demo-data")
        log = directory / "server.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--access-logfile",
                    "-",
                    "wsgi:app",
                ],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_until_up(f"{base_url}/healthz", process, log)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=chromium_executable,
        headless=True,
        args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
    )
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def person(browser, live_server):
    """Make a person at their own browser (a fresh context): person(javascript=True)."""
    from tests.browser.person import Person

    contexts = []

    def make(*, javascript: bool = True) -> Person:
        context = browser.new_context(
            base_url=live_server.base_url,
            java_script_enabled=javascript,
            viewport={"width": 1024, "height": 768},
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return Person(context.new_page(), javascript=javascript)

    yield make
    for context in contexts:
        context.close()
