"""The service with two more pages, for bench/floor_bench.py only: what every child page must
do, and nothing else.

- ``/bench/floor/<child_id>``: the signed-in user (from the session) may see the child: the
  access check every child page starts with. Answers "ok".
- ``/bench/floor/<child_id>/audited``: that, and the view recorded in the audit trail, as the
  child page records it. Answers "ok".

Served by gunicorn with the production settings (``floor_app:app``); never part of the service.
"""

from wsgi import app
from yoi_welfare import db
from yoi_welfare.access import Permission, get_visible_child, permission_required
from yoi_welfare.audit import services as audit


def _check_access(child_id: int) -> None:
    db.reuse_plans(generic=True)
    get_visible_child(child_id)


@permission_required(Permission.VIEW_CHILDREN)
def floor(child_id: int) -> str:
    _check_access(child_id)
    return "ok"


@permission_required(Permission.VIEW_CHILDREN)
def floor_audited(child_id: int) -> str:
    _check_access(child_id)
    audit.record(
        "child_viewed", young_person_id=child_id, object_type="young_person", object_id=child_id
    )
    return "ok"


app.add_url_rule("/bench/floor/<int:child_id>", "bench_floor", floor)
app.add_url_rule("/bench/floor/<int:child_id>/audited", "bench_floor_audited", floor_audited)
