"""Test set-up: a database built by the real migrations, a fresh copy for every test.

SQLite always; PostgreSQL when TEST_DATABASE_URL is set. Every HTML page a test renders is
checked for structure (see tests/pages.py).
"""

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.browser.chromium import chromium_path, why_browser_tests_cannot_run
from tests.pages import CheckedClient
from yoi_welfare import create_app
from yoi_welfare.migrate import upgrade

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def pytest_report_header(config) -> str:
    return why_browser_tests_cannot_run() or f"browser tests: Chromium at {chromium_path()}"


def pytest_terminal_summary(terminalreporter) -> None:
    """Say plainly that the browser tests were skipped, so that nobody reads them as passed."""
    reason = why_browser_tests_cannot_run()
    skipped = terminalreporter.stats.get("skipped", [])
    if reason and any("browser" in report.keywords for report in skipped):
        terminalreporter.write_line(reason[:1].upper() + reason[1:] + ".", yellow=True, bold=True)


def _admin_engine(url: str) -> sa.Engine:
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


class PostgresDatabases:
    """A migrated template database, cloned for each test (fast: a file copy inside PostgreSQL)."""

    def __init__(self, url: str):
        self.base = make_url(url)
        self.admin = _admin_engine(url)
        self.prefix = f"yw_{os.getpid()}"
        self.template = f"{self.prefix}_template"

    def url_for(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def build_template(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.template}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{self.template}"'))
        upgrade(self.url_for(self.template))

    def clone(self) -> str:
        name = f"{self.prefix}_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        return name

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    if TEST_DATABASE_URL:
        databases = PostgresDatabases(TEST_DATABASE_URL)
        databases.build_template()
        yield databases
        databases.drop(databases.template)
    else:
        path = tmp_path_factory.mktemp("db") / "template.db"
        upgrade(f"sqlite:///{path}")
        yield path


@contextmanager
def fresh_database(database_template, directory: Path) -> Iterator[str]:
    """A fresh, fully migrated database (a SQLite file in `directory`); its URL."""
    if isinstance(database_template, PostgresDatabases):
        name = database_template.clone()
        try:
            yield database_template.url_for(name)
        finally:
            database_template.drop(name)
    else:
        path = directory / "test.db"
        shutil.copyfile(database_template, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def database_url(database_template, tmp_path):
    """A fresh, fully migrated database for one test."""
    with fresh_database(database_template, tmp_path) as url:
        yield url


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "ENV_NAME": "test",
            "DATABASE_URL": database_url,
            "WTF_CSRF_ENABLED": False,
            "INSTANCE_DIR": tmp_path,
            "TESTING": True,
        }
    )
    app.test_client_class = CheckedClient
    with app.app_context():
        yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()
