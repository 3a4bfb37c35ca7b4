"""What every benchmark shares: the app on the database under test, figures, and the write-up.

Each benchmark prints its figures and replaces its own section of docs/performance.md (between
`<!-- bench:NAME -->` and `<!-- /bench:NAME -->`), so the document always shows the last run of
each, with the machine and database it ran on.
"""

import os
import platform
import re
import statistics
import sys
import timeit
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from yoi_welfare import create_app, db  # noqa: E402

DOC = ROOT / "docs" / "performance.md"


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit(
            "Set DATABASE_URL to a database holding the national set "
            "(flask --app wsgi synth --children 20000 --years 10)."
        )
    return url


def app_for(url: str, instance_dir: Path | None = None):
    config = {"ENV_NAME": "test", "DATABASE_URL": url}
    if instance_dir is not None:
        config["INSTANCE_DIR"] = instance_dir
    return create_app(config)


def database_label() -> str:
    """The database kind and version, and how big the data set is."""
    engine = db.engine()
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            version = conn.execute(sa.text("SHOW server_version")).scalar().split()[0]
            kind = f"PostgreSQL {version}"
        else:
            kind = f"SQLite {conn.execute(sa.text('SELECT sqlite_version()')).scalar()}"
        counts = {
            table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608
            for table in ("young_person", "welfare_action", "custody_welfare_note", "audit_event")
        }
    return (
        f"{kind}; {counts['young_person']:,} children, {counts['welfare_action']:,} actions, "
        f"{counts['custody_welfare_note']:,} notes, {counts['audit_event']:,} audit events"
    )


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values)


def machine() -> str:
    return (
        f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}; "
        f"`sum(range(10**6))` in {yardstick_ms():.1f} ms"
    )


def yardstick_ms() -> float:
    """A machine's speed at plain Python, one core, nothing else involved: the best of five
    runs of ``sum(range(10**6))``, in milliseconds. Figures from machines of different speeds
    can be compared through it; this shared machine's speed also drifts within the hour."""
    return min(timeit.repeat("sum(range(10**6))", number=10, repeat=5)) / 10 * 1000


def write_section(name: str, title: str, lines: list[str]) -> None:
    """Replace this benchmark's section (one per database) of docs/performance.md."""
    DOC.parent.mkdir(exist_ok=True)
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join([f"### {title}", "", f"_Run {stamp} on {machine()}._", "", *lines])
    block = f"<!-- bench:{name} -->\n{body}\n<!-- /bench:{name} -->"
    pattern = re.compile(
        rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S
    )
    text = (
        pattern.sub(lambda _m: block, text)
        if pattern.search(text)
        else f"{text.rstrip()}\n\n{block}\n"
    )
    DOC.write_text(text)
    print(f"wrote the figures to {DOC.relative_to(ROOT)} ({name})")


def emit(name: str, title: str, lines: list[str]) -> None:
    print("\n".join([title, *lines]))
    write_section(name, title, lines)
