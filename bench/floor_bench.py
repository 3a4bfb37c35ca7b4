"""How fast could any child page be on this machine? The floor under the child page.

Every child page must sign the user in from the session cookie, check that they may see the
child, and record the view in the audit trail. This serves two pages that do only that
(bench/floor_app.py: the access check alone, then with the audit event), beside /healthz and
the real child page, by gunicorn with the production settings, loaded by wrk at 20 concurrent
connections, as bench/pages_bench.py loads the pages: the paths taking turns, for three rounds,
each path's median round reported. A target the floor misses cannot be met on this machine by
any child page, however it is built.

Needs wrk (Debian: apt-get install wrk).

    DATABASE_URL=... .venv/bin/python bench/floor_bench.py [--duration 10] [--rounds 3]
"""

import argparse
import shutil
import sys

from common import app_for, database_label, database_url, emit
from pages_bench import (
    TARGET_CHILD_RPS,
    TARGET_P95_MS,
    Browser,
    every_rps,
    median_run,
    per_gauge,
    pick_people,
    served,
    take_turns,
)

from yoi_welfare import db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per path")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk).")
    url = database_url()
    with app_for(url).app_context():
        label = database_label()
        dialect = db.engine().dialect.name
        people = pick_people()
    child = people["child_id"]
    paths = [
        ("/healthz (the user and a SELECT 1)", "/healthz"),
        ("the access check on the child", f"/bench/floor/{child}"),
        ("the access check and the audit event", f"/bench/floor/{child}/audited"),
        ("the child page", f"/children/{child}"),
    ]
    with served(url, app="floor_app:app") as (_server, port, script):
        cookie = Browser(port).sign_in(people["yot"])
        loads = [(name, path, cookie, args.duration) for name, path in paths]
        runs = take_turns(port, script, loads, args.rounds, args.connections)
    gauge = runs[paths[0][0]]
    lines = [
        f"- data: {label}",
        f"- gunicorn.conf.py, YOI_WELFARE_ENV=production; wrk with {args.connections} "
        f"connections for {args.duration} s per path, {args.rounds} rounds taking turns; each "
        "row is the path's median round by requests a second",
        "",
        "| what the request does | requests/s | p50 ms | p95 ms | errors | every round, req/s "
        "| per /healthz |",
        "|---|---:|---:|---:|---:|---|---:|",
    ]
    for name, _path in paths:
        f = median_run(runs[name])
        lines.append(
            f"| {name} | {f['rps']:.0f} | {f['p50']:.1f} | {f['p95']:.1f} | "
            f"{f['non2xx'] + f['errors']} | {every_rps(runs[name])} | "
            f"{per_gauge(runs[name], gauge):.3f} |"
        )
    floor = median_run(runs[paths[2][0]])
    reachable = floor["rps"] >= TARGET_CHILD_RPS and floor["p95"] < TARGET_P95_MS
    lines += [
        "",
        f"- the floor (the access check and the audit event): {floor['rps']:.0f} requests a "
        f"second, p95 {floor['p95']:.0f} ms, against the child page's targets of "
        f"{TARGET_CHILD_RPS} a second and p95 under {TARGET_P95_MS} ms: "
        + (
            "within reach of a child page on this machine"
            if reachable
            else "out of reach of any child page on this machine"
        ),
    ]
    emit(f"floor-{dialect}", f"The floor under the child page ({dialect})", lines)


if __name__ == "__main__":
    main()
