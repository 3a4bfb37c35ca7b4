"""Merging two records of one child: every kind of record moves, both references lead to the
kept child, both YOTs are told, the audit trail still verifies, and what cannot be merged is
refused with a reason."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from bs4 import BeautifulSoup
from sqlmodel import func, select

from tests.factories import World, create_child, create_placement, create_user, sign_in
from tests.test_governance import NOW, full_record, saved
from yoi_welfare import db
from yoi_welfare.alerts.models import Alert, AlertCode
from yoi_welfare.approvals.models import Approval
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.custody.models import CustodyWelfareNote, NoteRead
from yoi_welfare.governance.models import RetentionReview, SubjectAccessExport
from yoi_welfare.models import metadata
from yoi_welfare.notifications.models import Delivery
from yoi_welfare.outbox.models import OutboundEmail
from yoi_welfare.people import merge
from yoi_welfare.people.models import (
    ChildMerge,
    CorrectedMoment,
    DuplicateDismissal,
    DuplicateOccasion,
    Placement,
    PlacementCorrection,
    PlacementException,
    YoungPerson,
)

KAI = {"given_name": "Kai", "family_name": "Khan", "date_of_birth": date(2011, 9, 25)}


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(app):
    app.config["SIGN_IN_RATE_LIMIT"] = "1000 per minute"
    world = World()
    # Managers who chose each notice at once: a merge can wait for the digest.
    at_once = {"is_manager": True, "routine_notices": Delivery.IMMEDIATE}
    world.manager = create_user(world.yot, name="Mina Manager", **at_once)
    world.other_manager = create_user(world.other_yot, name="Rae Manager", **at_once)
    world.kept = create_child(world.area, local_reference="NTH-7", **KAI)
    create_placement(world.kept, world.yoi, admitted_at=NOW - timedelta(days=10))
    world.duplicate = create_child(
        world.other_area, local_reference="RIV-9", pnc_number="2024/0123456X", **KAI
    )
    return world


def every_kind_of_record(world, child) -> None:
    """One row of every kind that hangs on a child (full_record's, and the rest)."""
    full_record(world, child, placed_at=NOW - timedelta(days=40))
    placement = (
        db.session().exec(select(Placement).where(Placement.young_person_id == child.id)).one()
    )
    saved(
        PlacementException(
            placement_id=placement.id,
            young_person_id=child.id,
            establishment_id=placement.establishment_id,
            outside="boys of 15 to 17",
            reason="Nearest bed",
            recorded_by_id=world.other_staff.id,
        )
    )
    saved(
        PlacementCorrection(
            placement_id=placement.id,
            young_person_id=child.id,
            moment=CorrectedMoment.ADMISSION,
            was_at=placement.admitted_at - timedelta(hours=1),
            corrected_to=placement.admitted_at,
            reason="Wrong warrant",
            corrected_by_id=world.other_staff.id,
        )
    )
    note = (
        db.session()
        .exec(select(CustodyWelfareNote).where(CustodyWelfareNote.young_person_id == child.id))
        .first()
    )
    saved(
        NoteRead(user_id=world.officer.id, note_id=note.id, young_person_id=child.id, read_at=NOW)
    )
    saved(
        Approval(
            kind="flag_closure",
            subject_type="self_harm_flag",
            subject_id=1,
            young_person_id=child.id,
            summary="Close the flag",
            requested_by_id=world.staff.id,
        )
    )
    saved(SubjectAccessExport(young_person_id=child.id, requester="The young person"))
    saved(
        Alert(
            young_person_id=child.id,
            code=AlertCode.KEEP_APART,
            description="Keep apart from T. Smith",
            active_from=NOW,
            raised_by_id=world.officer.id,
        )
    )
    third = create_child(world.other_area, given_name="Kai", family_name="Kahn")
    for one, other in ((child, third), (third, child)):
        saved(
            DuplicateDismissal(
                young_person_id=one.id,
                other_young_person_id=other.id,
                occasion=DuplicateOccasion.REGISTRATION,
                reason="Different school",
                dismissed_by_id=world.officer.id,
            )
        )
    saved(
        ChildMerge(
            merged_id=10_000,
            kept_id=child.id,
            merged_home_area_id=child.home_area_id,
            merged_local_reference="RIV-OLD",
            merged_date_of_birth=child.date_of_birth,
            reason="Earlier duplicate",
        )
    )
    saved(
        RetentionReview(
            young_person_id=child.id,
            area_id=child.home_area_id,
            local_reference=child.local_reference,
            retain_until=date(2040, 1, 1),
        )
    )


def rows_by_link(child_id: int) -> dict[tuple[str, str], int]:
    db.session().rollback()
    counts = {}
    for table_name, column_name in merge.MOVES:
        table = metadata.tables[table_name]
        counts[(table_name, column_name)] = (
            db.session()
            .execute(
                sa.select(func.count()).select_from(table).where(table.c[column_name] == child_id)
            )
            .scalar_one()
        )
    return counts


def merge_on_the_page(client, world, *, merged="RIV-9", kept="NTH-7", kept_area=None):
    form = {
        "merged_area": str(world.other_area.id),
        "merged_reference": merged,
        "kept_area": str((kept_area or world.area).id),
        "kept_reference": kept,
        "reason": "Same PNC number; both YOTs confirmed it is one boy",
    }
    check = client.post("/admin/merge-children", data=form)
    assert check.status_code == 200
    checked = BeautifulSoup(check.text, "html.parser").select_one("input[name=checked]")
    if not checked.get("value"):
        return check  # refused before the check
    return client.post("/admin/merge-children", data={**form, "checked": checked["value"]})


def test_every_table_that_refers_to_a_child_is_moved_by_the_merge():
    # A new kind of record about a child must say how it moves when two records are merged.
    assert merge.child_links() == set(merge.MOVES)


def test_an_administrator_merges_a_duplicate_moving_every_kind_of_record(app, world):
    every_kind_of_record(world, world.duplicate)
    before = rows_by_link(world.duplicate.id)
    kept_before = rows_by_link(world.kept.id)
    assert all(before.values()), [link for link, n in before.items() if not n]
    duplicate_id, kept_id = world.duplicate.id, world.kept.id
    managers = {world.manager.email, world.other_manager.email}

    admin = app.test_client()
    sign_in(admin, world.admin)
    check = admin.post(
        "/admin/merge-children",
        data={
            "merged_area": str(world.other_area.id),
            "merged_reference": "riv-9",
            "kept_area": str(world.area.id),
            "kept_reference": "NTH-7",
            "reason": "Same PNC number; both YOTs confirmed it is one boy",
        },
    )
    assert "Check the two records" in check.text
    assert "Held at Ashgrove YOI" in check.text and "Not in custody" in check.text
    assert db.session().get(YoungPerson, duplicate_id) is not None  # nothing moved yet
    response = merge_on_the_page(admin, world, merged="riv-9")
    assert response.status_code in (302, 303), response.text
    page = admin.get(response.location).text
    assert "RIV-9 is merged into NTH-7" in page

    after, kept_after = rows_by_link(duplicate_id), rows_by_link(kept_id)
    assert not any(after.values()), {link: n for link, n in after.items() if n}
    for link, moved in before.items():
        # The notices to the two YOTs are notifications and disclosures of the kept child, and
        # the merge is one more record merged into it.
        made = {
            ("disclosure", "young_person_id"): 2,
            ("notification", "young_person_id"): 2,
            ("child_merge", "kept_id"): 1,
        }.get(link, 0)
        assert kept_after[link] == kept_before[link] + moved + made, link
    assert db.session().get(YoungPerson, duplicate_id) is None
    kept_merge = db.session().exec(select(ChildMerge).where(ChildMerge.merged_id == duplicate_id))
    assert kept_merge.one().merged_local_reference == "RIV-9"
    # A retention review due for the duplicate is withdrawn: the kept child is listed afresh
    # when due. The audit trail is not changed: its events keep the duplicate's id.
    assert db.session().exec(select(RetentionReview.young_person_id)).all() == []
    assert (
        db.session()
        .exec(select(func.count()).where(AuditEvent.young_person_id == duplicate_id))
        .one()
    )

    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output

    # Both YOTs are told, each about the record it knew.
    told = (
        db.session()
        .exec(select(OutboundEmail).where(OutboundEmail.cause_type == "child_merge"))
        .all()
    )
    assert {mail.to_address for mail in told} == managers
    assert all("Two records of one child merged" in mail.subject for mail in told)


def test_both_references_lead_to_the_kept_child(app, world):
    duplicate_id, kept_id = world.duplicate.id, world.kept.id
    merge.merge_children(world.admin, world.duplicate, world.kept, reason="One boy", now=NOW)
    db.session().commit()
    officer = app.test_client()
    sign_in(officer, world.officer)
    response = officer.get(f"/children/{duplicate_id}")
    assert response.location == f"/children/{kept_id}"
    results = officer.get("/children?q=RIV-9").text
    assert f"/children/{kept_id}" in results
    results = officer.get("/children?q=2024/0123456X").text
    assert f"/children/{kept_id}" in results
    # Another area's officer learns nothing from the old link.
    other = app.test_client()
    sign_in(other, world.other_officer)
    assert other.get(f"/children/{duplicate_id}").status_code == 404


def test_a_merged_reference_still_admits_the_kept_child(app, world):
    placement = db.session().exec(select(Placement)).one()
    placement.left_at = NOW - timedelta(days=1)
    db.session().add(placement)
    db.session().commit()
    merge.merge_children(world.admin, world.duplicate, world.kept, reason="One boy", now=NOW)
    db.session().commit()
    staff = app.test_client()
    sign_in(staff, world.staff)
    response = staff.post(
        "/admissions/new",
        data={
            "home_area": str(world.other_area.id),
            "local_reference": "riv-9",
            "date_of_birth": ["25", "9", "2011"],
            "on_date": ["25", "11", "2026"],
            "at_time": "09:15",
        },
    )
    assert response.location == f"/children/{world.kept.id}"


def test_a_child_is_not_merged_into_themselves(app, world):
    admin = app.test_client()
    sign_in(admin, world.admin)
    page = merge_on_the_page(admin, world, merged="RIV-9", kept="RIV-9", kept_area=world.other_area)
    assert "A child cannot be merged into their own record" in page.text
    assert db.session().get(YoungPerson, world.duplicate.id) is not None


def test_two_records_held_at_two_establishments_are_not_merged(app, world):
    create_placement(world.duplicate, world.other_yoi, admitted_at=NOW - timedelta(days=2))
    admin = app.test_client()
    sign_in(admin, world.admin)
    page = merge_on_the_page(admin, world)
    assert (
        "Both records show the child in custody now, at Cedar Lodge STC and Ashgrove YOI"
        in page.text
    )
    db.session().rollback()
    assert db.session().get(YoungPerson, world.duplicate.id) is not None
    assert db.session().exec(select(ChildMerge)).all() == []


def test_custody_notes_stay_append_only_outside_a_merge(app, world):
    every_kind_of_record(world, world.duplicate)
    db.session().rollback()
    for statement in (
        "UPDATE custody_welfare_note SET text = 'changed'",
        "UPDATE custody_welfare_note SET young_person_id = :kept",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine().begin() as conn:
            conn.execute(sa.text(statement), {"kept": world.kept.id})


def test_the_command_line_merges_and_names_what_is_wrong(app, world):
    duplicate_id, admin_email = world.duplicate.id, world.admin.email
    runner = app.test_cli_runner()
    base = ["children", "merge", "--duplicate", "RIV-9", "--area", "RIV", "--into", "NTH-7"]
    wrong = runner.invoke(args=[*base, "--into-area", "NTH", "--reason", "x", "--by", "x@y.z"])
    assert wrong.exit_code != 0 and "--by" in wrong.output
    result = runner.invoke(
        args=[*base, "--into-area", "NTH", "--reason", "One boy", "--by", admin_email]
    )
    assert result.exit_code == 0, result.output
    assert "Merged RIV-9 into NTH-7" in result.output
    db.session().rollback()
    assert db.session().get(YoungPerson, duplicate_id) is None
