"""Benchmark the busiest pages, served by gunicorn with the production settings.

Starts gunicorn (gunicorn.conf.py, YOI_WELFARE_ENV=production) on the national set, signs in
as a YOT officer, an establishment's staff member and an ACPC member of the largest area (with
their authenticator codes, as in production), then loads each page with wrk, a separate
HTTP load generator, at 20 concurrent connections: the child page, the YOT caseload (the YOT
officer's home page), the establishment's actions page and the ACPC escalations page, in turn,
for three rounds, each round ending with /healthz to gauge the machine's speed then. Prints
each page's median round (requests per second and p50/p95 latency) with every round's
requests per second and the gauge, then the memory of each web worker after the load.

Needs wrk (Debian: apt-get install wrk).

    DATABASE_URL=... .venv/bin/python bench/pages_bench.py [--duration 20] [--rounds 3]
"""

import argparse
import html
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyotp
import sqlalchemy as sa
from common import ROOT, app_for, database_label, database_url, emit

from yoi_welfare import db
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.agencies.models import Agency, AgencyKind
from yoi_welfare.people.models import Placement, YoungPerson

PASSWORD = os.environ.get("DEMO_PASSWORD") or "demo-password-2026"
TARGET_P95_MS = 100
TARGET_CHILD_RPS = 300
TARGET_WORKER_MB = 200
GAUGE = ("machine gauge: /healthz", "/healthz", "yot")
GAUGE_SECONDS = 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pick_people() -> dict:
    """The largest area's YOT officer, its ACPC member, an establishment and a child held now."""
    session = db.session()
    largest = session.execute(
        sa.select(YoungPerson.home_area_id, sa.func.count())
        .join(Placement, Placement.young_person_id == YoungPerson.id)
        .where(Placement.left_at.is_(None))
        .group_by(YoungPerson.home_area_id)
        .order_by(sa.func.count().desc())
        .limit(1)
    ).first()[0]

    def user(kind: AgencyKind, *where) -> User:
        return session.exec(
            sa.select(User)
            .join(Agency, Agency.id == User.agency_id)
            .where(Agency.kind == kind, User.role != Role.ADMINISTRATOR, *where)
            .order_by(User.id)
            .limit(1)
        ).first()[0]

    child = session.execute(
        sa.select(YoungPerson.id, Placement.establishment_id)
        .join(Placement, Placement.young_person_id == YoungPerson.id)
        .where(YoungPerson.home_area_id == largest, Placement.left_at.is_(None))
        .order_by(YoungPerson.id)
        .limit(1)
    ).first()
    people = {
        "yot": user(AgencyKind.YOT, Agency.area_id == largest),
        "acpc": user(AgencyKind.ACPC, Agency.area_id == largest),
        "staff": user(AgencyKind.YOI, Agency.id == child.establishment_id)
        if session.get(Agency, child.establishment_id).kind is AgencyKind.YOI
        else None,
    }
    if people["staff"] is None:
        people["staff"] = session.exec(
            sa.select(User).where(User.agency_id == child.establishment_id).limit(1)
        ).first()[0]
    # Production requires a second factor: give each an authenticator secret, as enrolment would.
    for person in people.values():
        if person.mfa_secret is None:
            person.mfa_secret = pyotp.random_base32()
        # A code is accepted once: let a second run within the same 30 seconds sign in too.
        person.mfa_last_timestep = None
        session.add(person)
    db.commit()
    return {"child_id": child.id, "largest_area": largest, **people}


class Browser:
    """Just enough of a browser to sign in: keeps the session cookie, reads CSRF tokens."""

    def __init__(self, port: int):
        self.port = port
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", text

    def token(self, path: str) -> str:
        _status, _location, page = self.request("GET", path)
        return html.unescape(re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1])

    def sign_in(self, user: User) -> str:
        form = {"email": user.email, "password": PASSWORD, "csrf_token": self.token("/sign-in")}
        status, location, _ = self.request("POST", "/sign-in", form)
        if "security-code" not in location:
            sys.exit(f"sign-in of {user.email} did not ask for a code (HTTP {status})")
        code = pyotp.TOTP(user.mfa_secret).now()
        form = {"code": code, "csrf_token": self.token("/sign-in/security-code")}
        status, location, _ = self.request("POST", "/sign-in/security-code", form)
        if status not in (302, 303):
            sys.exit(f"the security code of {user.email} was refused (HTTP {status})")
        return self.cookie


def start_gunicorn(url: str, port: int, log: Path, app: str = "wsgi:app") -> subprocess.Popen:
    """gunicorn with the production settings, serving ``app`` (a module of the project or of
    bench/) on the national set."""
    env = {
        **os.environ,
        "YOI_WELFARE_ENV": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "benchmark-only-" + "x" * 40,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": str(log),
        "BASE_URL": f"http://127.0.0.1:{port}",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench")]),
    }
    process = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", app],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(log.with_suffix(".err"), "w"),  # noqa: SIM115
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit(f"gunicorn did not start; see {log.with_suffix('.err')}")


@contextmanager
def served(url: str, app: str = "wsgi:app") -> Iterator[tuple[subprocess.Popen, int, Path]]:
    """gunicorn serving ``app`` (see start_gunicorn) on a free port, stopped on leaving: the
    server, its port, and the script through which wrk reports its percentiles."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "report.lua"
        script.write_text(WRK_REPORT)
        server = start_gunicorn(url, port, Path(folder) / "access.log", app)
        try:
            yield server, port, script
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def take_turns(
    port: int, script: Path, loads: list[tuple[str, str, str, int]], rounds: int, connections: int
) -> dict[str, list[dict]]:
    """Load each (name, path, session cookie, seconds) with wrk, every load taking its turn,
    round after round: this shared machine's speed drifts by up to a fifth within minutes, and
    a page loaded only once would carry its moment. Each load's figures, by name, a run a round.
    """
    for _name, path, cookie, _seconds in loads:
        # A short warm-up, so that every worker has its connections and caches.
        wrk(port, path, cookie, 2, connections, script)
    runs = {name: [] for name, _path, _cookie, _seconds in loads}
    for _round in range(rounds):
        for name, path, cookie, seconds in loads:
            runs[name].append(wrk(port, path, cookie, seconds, connections, script))
    return runs


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# wrk reports its percentiles through this script: p50, p95 and p99 exactly, in microseconds.
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("figures p50=%d p95=%d p99=%d requests=%d non2xx=%d errors=%d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout))
end
"""


def wrk(port: int, path: str, cookie: str, duration: int, connections: int, script: Path) -> dict:
    out = subprocess.run(  # noqa: S603
        [
            shutil.which("wrk") or "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{duration}s",
            "-s",
            str(script),
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", out.split("figures", 1)[1])}
    figures["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    for key in ("p50", "p95", "p99"):
        figures[key] /= 1000  # milliseconds
    return figures


def every_rps(runs: list[dict]) -> str:
    return ", ".join(f"{run['rps']:.0f}" for run in runs)


def per_gauge(runs: list[dict], gauges: list[dict]) -> float:
    """The page's requests a second over the gauge's in the same round, the median of the
    rounds: a figure that can be compared between machines of different speeds."""
    pairs = zip(runs, gauges, strict=True)
    return statistics.median(run["rps"] / gauge["rps"] for run, gauge in pairs)


def median_run(runs: list[dict]) -> dict:
    """The run with the median requests a second (the lower middle one of an even number)."""
    return sorted(runs, key=lambda run: run["rps"])[(len(runs) - 1) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per page")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="load every page this many times, taking turns; the median round is reported",
    )
    parser.add_argument(
        "--only",
        choices=("child", "caseload", "actions", "escalations"),
        help="load this page alone, and print its figures without writing them down",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk).")
    url = database_url()
    app = app_for(url)
    with app.app_context():
        label = database_label()
        dialect = db.engine().dialect.name
        people = pick_people()
    with served(url) as (server, port, script):
        cookies = {role: Browser(port).sign_in(people[role]) for role in ("yot", "staff", "acpc")}
        pages = [
            ("child page", f"/children/{people['child_id']}", "yot"),
            ("YOT caseload", "/", "yot"),
            ("establishment actions", "/actions", "staff"),
            ("ACPC escalations", "/acpc/escalations", "acpc"),
        ]
        if args.only:
            pages = [page for page in pages if args.only in page[1] or args.only in page[0]]
        # /healthz (no page: the user and a SELECT 1) in each round gauges the machine's speed.
        loads = [
            (name, path, cookies[role], GAUGE_SECONDS if name == GAUGE[0] else args.duration)
            for name, path, role in [*pages, GAUGE]
        ]
        runs = take_turns(port, script, loads, args.rounds, args.connections)
        rows = [(name, path, median_run(runs[name])) for name, path, _role in pages]
        workers = worker_pids(server.pid)
        memory = [rss_mb(pid) for pid in workers]
    lines = [
        f"- data: {label}",
        f"- gunicorn.conf.py ({len(workers)} sync workers), YOI_WELFARE_ENV=production; wrk with "
        f"{args.connections} connections for {args.duration} s per page, on the same machine; "
        f"{args.rounds} rounds, the pages taking turns: each row is the page's median round "
        "by requests a second, with every round's requests a second after it",
        "",
        "| page | requests/s | p50 ms | p95 ms | p99 ms | errors | target | every round, req/s "
        "| per /healthz |",
        "|---|---:|---:|---:|---:|---:|---|---|---:|",
    ]
    for name, _path, f in rows:
        failed = f["non2xx"] + f["errors"]
        met = f["requests"] > 0 and f["p95"] < TARGET_P95_MS and failed == 0
        if name == "child page":
            met = met and f["rps"] >= TARGET_CHILD_RPS
        lines.append(
            f"| {name} | {f['rps']:.0f} | {f['p50']:.1f} | {f['p95']:.1f} | {f['p99']:.1f} | "
            f"{failed} | {'met' if met else 'MISSED'} | {every_rps(runs[name])} "
            f"| {per_gauge(runs[name], runs[GAUGE[0]]):.3f} |"
        )
    worst = max(memory) if memory else 0
    lines += [
        "",
        "- the machine's speed in each round: /healthz (no page: the signed-in user and a "
        f"SELECT 1) served {every_rps(runs[GAUGE[0]])} "
        f"requests a second for {GAUGE_SECONDS} s; per /healthz is a page's requests a second "
        "over the gauge's in the same round (the median of the rounds), to compare machines",
        f"- worker memory after the load (RSS): {', '.join(f'{m:.0f}' for m in memory)} MB; "
        f"largest {worst:.0f} MB (target under {TARGET_WORKER_MB} MB): "
        f"{'met' if worst < TARGET_WORKER_MB else 'MISSED'}",
        "- target: p95 under 100 ms at 20 clients on every page, and at least 300 requests/s "
        "on the child page; errors counts non-2xx responses and socket errors",
    ]
    if args.only:
        print("\n".join(lines))
        return
    emit(f"pages-{dialect}", f"Pages under load ({dialect})", lines)


if __name__ == "__main__":
    main()
