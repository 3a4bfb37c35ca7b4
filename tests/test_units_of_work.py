"""One unit of work per form submission: a refused change leaves nothing behind."""

from pathlib import Path

import pytest
import sqlalchemy as sa

import yoi_welfare
from tests.factories import create_area
from yoi_welfare import db
from yoi_welfare.agencies.models import Area
from yoi_welfare.errors import ServiceError


def area_name(area_id: int) -> str:
    """The name as committed, read outside the request's session."""
    with db.engine().connect() as connection:
        return connection.execute(
            sa.text("SELECT name FROM area WHERE id = :id"), {"id": area_id}
        ).scalar_one()


def rename(area_id: int, name: str) -> None:
    db.writes()
    db.session().execute(
        sa.text("UPDATE area SET name = :name WHERE id = :id"), {"name": name, "id": area_id}
    )


@pytest.fixture
def area_id(app) -> int:
    area = create_area("Northmoor", "NTH")
    db.session().commit()
    return area.id


def test_a_refused_attempt_is_undone_before_the_form_is_shown_again(app, area_id):
    with app.test_request_context("/", method="POST"):
        with pytest.raises(ServiceError), db.unit_of_work():
            rename(area_id, "Half done")
            raise ServiceError("Enter a name", "name")
        # The form is shown against the record as it was, and the request may go on to write.
        assert db.session().get(Area, area_id).name == "Northmoor"
        rename(area_id, "Renamed after")
        db.end_request(succeeded=True)
    assert area_name(area_id) == "Renamed after"


def test_a_view_that_catches_a_refusal_without_undoing_it_commits_nothing(app, area_id):
    with app.test_request_context("/", method="POST"):
        rename(area_id, "Half done")
        try:
            raise ServiceError("The child is held elsewhere")
        except ServiceError:
            pass  # a view that shows the message and forgets the rest
        db.end_request(succeeded=True)
    assert area_name(area_id) == "Northmoor"


def test_a_request_after_a_refused_one_commits_as_usual(app, area_id):
    with app.test_request_context("/", method="POST"):
        rename(area_id, "Half done")
        ServiceError("refused")
        db.end_request(succeeded=True)
    with app.test_request_context("/", method="POST"):
        rename(area_id, "Done")
        db.end_request(succeeded=True)
    assert area_name(area_id) == "Done"


def test_no_view_rolls_back_by_hand():
    package = Path(yoi_welfare.__file__).parent
    by_hand = [
        str(path.relative_to(package))
        for path in package.rglob("*views.py")
        if "rollback(" in path.read_text()
    ]
    assert by_hand == []
