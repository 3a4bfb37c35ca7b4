"""The busiest pages issue the same number of queries however much data there is (no N+1).

Each page is loaded on a small synthetic data set, then again after the same areas, agencies
and child have ten times as much history; the number of SQL statements must not change.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import event

from tests.factories import sign_in
from yoi_welfare import db
from yoi_welfare.accounts.models import User
from yoi_welfare.agencies.models import Agency
from yoi_welfare.people.models import Placement, YoungPerson
from yoi_welfare.synth import Synthesiser

PASSWORD = "synthetic password for tests"
NOW = datetime.now(UTC)


def _build(children: int, seed: int, staff=None, more_history_for=None) -> Synthesiser:
    db.rollback()  # the test's own session must not hold SQLite's write lock meanwhile
    with db.engine().begin() as conn:
        synthesiser = Synthesiser(
            conn, children=children, years=3, seed=seed, password=PASSWORD, now=NOW
        )
        synthesiser.build(staff=staff)
        if more_history_for is not None:
            child, episodes = more_history_for
            synthesiser.add_history(child, episodes)
    return synthesiser


def _first(statement):
    return db.session().exec(statement).first()


def _people(staff) -> dict:
    """The first area's YOT officer and ACPC member, a looked-after child of the area who has
    left custody, and a staff member of the establishment holding the area's most recently
    admitted child."""
    area = next(iter(staff.area_yot))
    released = _first(
        sa.select(YoungPerson.id)
        .where(
            YoungPerson.home_area_id == area,
            YoungPerson.looked_after.is_(True),
            ~sa.exists().where(
                Placement.young_person_id == YoungPerson.id, Placement.left_at.is_(None)
            ),
            sa.exists().where(Placement.young_person_id == YoungPerson.id),
        )
        .order_by(YoungPerson.id)
    )[0]
    holding = _first(
        sa.select(Placement.establishment_id)
        .join(YoungPerson, YoungPerson.id == Placement.young_person_id)
        .where(YoungPerson.home_area_id == area, Placement.left_at.is_(None))
        .order_by(Placement.admitted_at.desc())
    )[0]
    people = {
        "area": area,
        "child": released,
        "yot": db.session().get(User, staff.users[staff.area_yot[area]][0]),
        "acpc": db.session().get(User, staff.users[staff.area_acpc[area]][0]),
        "staff": db.session().get(User, staff.users[holding][0]),
    }
    db.rollback()
    return people


def _count_queries(app, user: User, path: str) -> tuple[int, bytes]:
    client = app.test_client()
    sign_in(client, user, PASSWORD)
    client.get(path)  # the first load fills per-process caches; count the second
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine(), "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine(), "before_cursor_execute", count)
    assert response.status_code == 200, path
    return len(statements), response.data


def _measure(app, people) -> tuple[dict[str, int], dict[str, int]]:
    """Queries issued and bytes served by each page."""
    pages = {
        "child page": (people["yot"], f"/children/{people['child']}"),
        "caseload": (people["yot"], "/"),
        "children held": (people["staff"], "/"),
        "actions": (people["staff"], "/actions"),
        "ACPC escalations": (people["acpc"], "/acpc/escalations?status=all"),
    }
    queries, sizes = {}, {}
    for name, (user, path) in pages.items():
        queries[name], body = _count_queries(app, user, path)
        sizes[name] = len(body)
    return queries, sizes


def test_busiest_pages_issue_a_fixed_number_of_queries_whatever_the_data_size(app):
    app.config["PAGE_SIZE"] = 10
    small = _build(children=40, seed=11)
    people = _people(small.staff)
    # The child has every kind of record: a flag with reviews, placement reviews, notes…
    _build(children=0, seed=13, staff=small.staff, more_history_for=(people["child"], 1))
    before, small_sizes = _measure(app, people)

    # Ten times the history: in the same areas and agencies, and for the same child.
    agencies = db.session().execute(sa.select(sa.func.count()).select_from(Agency)).scalar_one()
    _build(children=400, seed=12, staff=small.staff, more_history_for=(people["child"], 9))
    count_agencies = sa.select(sa.func.count()).select_from(Agency)
    assert db.session().execute(count_agencies).scalar_one() == agencies
    held_now = (
        db.session()
        .execute(
            sa.select(sa.func.count())
            .select_from(Placement)
            .join(YoungPerson, YoungPerson.id == Placement.young_person_id)
            .where(Placement.left_at.is_(None), YoungPerson.home_area_id == people["area"])
        )
        .scalar_one()
    )
    assert held_now > 10  # more than a page of the area's children in custody
    db.rollback()

    after, large_sizes = _measure(app, people)
    assert after == before
    assert all(count < 40 for count in after.values()), after
    # The pages really show more: the same queries carry the larger set.
    assert large_sizes["child page"] > small_sizes["child page"]
    assert large_sizes["caseload"] > small_sizes["caseload"]
