"""The continuity pack: each establishment's children on paper, produced every evening, kept,
downloaded only by that establishment's staff, and written on demand from the command line."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import select

from tests.factories import (
    World,
    create_action,
    create_child,
    create_placement,
    create_screening,
    create_user,
    sign_in,
)
from yoi_welfare import db
from yoi_welfare.alerts.models import AlertCode
from yoi_welfare.alerts.services import raise_alert
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.continuity.models import ContinuityPack
from yoi_welfare.continuity.services import KEEP, produce_evening
from yoi_welfare.governance.models import Disclosure
from yoi_welfare.jobs import continuity_packs
from yoi_welfare.self_harm.models import FlagState, ObservationLevel, RiskLevel, SelfHarmFlag

# Monday 23 November 2026, 18:00 in London (GMT).
EVENING = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def world(app):
    world = World()
    admitted = EVENING - timedelta(days=3)
    world.calm = create_child(
        world.area, given_name="Aaron", family_name="Abbott", local_reference="NTH-1"
    )
    world.at_risk = create_child(
        world.area, given_name="Zoe", family_name="Young", local_reference="NTH-2"
    )
    world.elsewhere = create_child(world.area, given_name="Theo", family_name="Cedar")
    world.released = create_child(world.area, given_name="Rita", family_name="Gone")
    create_placement(world.calm, world.yoi, admitted_at=admitted)
    create_placement(world.at_risk, world.yoi, admitted_at=admitted)
    create_placement(world.elsewhere, world.other_yoi, admitted_at=admitted)
    create_placement(
        world.released, world.yoi, admitted_at=admitted, left_at=admitted + timedelta(days=1)
    )
    world.flag = SelfHarmFlag(
        young_person_id=world.at_risk.id,
        opened_by_id=world.staff.id,
        opened_at=admitted,
        opened_establishment_id=world.yoi.id,
        reviewed_establishment_id=world.yoi.id,
        concern="Low mood",
        risk_level=RiskLevel.HIGH,
        observation_level=ObservationLevel.CONSTANT_WATCH,
        state=FlagState.OPEN,
        next_review_due=EVENING + timedelta(hours=14),
    )
    db.session().add(world.flag)
    db.commit()
    create_screening(
        world.at_risk,
        world.officer,
        submitted_at=admitted - timedelta(days=1),
        must_know_tonight=True,
        must_know_tonight_detail="Said she would kill herself tonight; constant watch",
    )
    create_action(
        world.at_risk, world.yoi, due_at=EVENING + timedelta(hours=14), title="First case review"
    )
    raise_alert(
        world.calm,
        by=world.staff,
        agency=world.yoi,
        holding=True,
        code=AlertCode.NO_CONTACT,
        description="No contact with his uncle, Dean Abbott",
        now=EVENING - timedelta(days=1),
    )
    db.commit()
    return world


def test_the_evening_pack_reads_back_with_the_children_held_most_urgent_first(world):
    [ours, theirs] = sorted(produce_evening(EVENING), key=lambda p: p.establishment.id)
    db.commit()
    assert ours.establishment.id == world.yoi.id and ours.created
    text = pdf_text(ours.pack.pdf)
    # Held now, the one on a flag at high risk first; not the released child nor another's.
    assert text.index("Zoe Young") < text.index("Aaron Abbott")
    assert "Rita Gone" not in text and "Theo Cedar" not in text
    assert "Risk: High" in text
    assert "Observations: Constant watch" in text
    assert "Said she would kill herself tonight" in " ".join(text.split())
    assert "First case review" in text
    # The alerts everyone must know, as on every page about the child.
    assert "No contact with his uncle, Dean Abbott" in " ".join(text.split())
    assert "Next case review: 24 November 2026" in " ".join(text.split())
    assert ours.pack.child_ids == sorted([world.calm.id, world.at_risk.id])
    assert "Theo Cedar" in pdf_text(theirs.pack.pdf)


def test_every_page_is_marked_numbered_and_dated(world):
    for n in range(40):
        child = create_child(world.area, family_name=f"Many{n:02}")
        create_placement(child, world.yoi, admitted_at=EVENING - timedelta(days=1))
    [ours, _] = sorted(produce_evening(EVENING), key=lambda p: p.establishment.id)
    pages = PdfReader(io.BytesIO(ours.pack.pdf)).pages
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert text.count("OFFICIAL-SENSITIVE") >= 2
        assert f"Page {number} of {len(pages)}" in text
        assert "Ashgrove YOI · produced 23 November 2026 at 6pm" in text


def test_the_pack_is_a_tagged_pdf(world):
    [pack, _] = produce_evening(EVENING)
    reader = PdfReader(io.BytesIO(pack.pack.pdf))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert "continuity pack" in reader.metadata.title.lower()


def test_one_pack_an_evening_and_the_latest_seven_kept(world):
    first = continuity_packs.run(EVENING)
    db.commit()
    assert first == "2 continuity packs produced, 0 already stored"
    # The scheduler restarted later the same evening, or the next morning: nothing new.
    assert continuity_packs.run(EVENING + timedelta(hours=13)).endswith("2 already stored")
    for day in range(1, KEEP + 3):
        continuity_packs.run(EVENING + timedelta(days=day))
        db.commit()
    evenings = (
        db.session()
        .exec(
            select(ContinuityPack.evening)
            .where(ContinuityPack.establishment_id == world.yoi.id)
            .order_by(ContinuityPack.evening)
        )
        .all()
    )
    assert len(evenings) == KEEP
    assert evenings[-1] == (EVENING + timedelta(days=KEEP + 2)).date()


def test_only_the_establishments_own_staff_download_it_audited_and_disclosed(app, world):
    [ours, theirs] = sorted(produce_evening(EVENING), key=lambda p: p.establishment.id)
    db.commit()
    staff = app.test_client()
    sign_in(staff, world.staff)
    listed = staff.get("/continuity-packs").text
    assert f"/continuity-packs/{ours.pack.id}/download" in listed
    assert f"/continuity-packs/{theirs.pack.id}/download" not in listed
    response = staff.get(f"/continuity-packs/{ours.pack.id}/download")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="continuity-pack-'
    )
    assert response.data == ours.pack.pdf
    disclosed = (
        db.session()
        .exec(select(Disclosure.young_person_id).where(Disclosure.object_type == "continuity_pack"))
        .all()
    )
    assert sorted(disclosed) == sorted([world.calm.id, world.at_risk.id])
    assert (
        db.session()
        .exec(select(AuditEvent).where(AuditEvent.action == "continuity_pack_downloaded"))
        .one()
    )

    # Another establishment's staff, a YOT officer and an ACPC member cannot have it.
    other = app.test_client()
    sign_in(other, world.other_staff)
    assert other.get(f"/continuity-packs/{ours.pack.id}/download").status_code == 404
    denied = (
        db.session()
        .exec(
            select(AuditEvent).where(
                AuditEvent.action == "access_denied", AuditEvent.object_type == "continuity_pack"
            )
        )
        .all()
    )
    assert len(denied) == 1
    for user in (world.officer, world.acpc_member, world.admin):
        client = app.test_client()
        sign_in(client, user)
        assert client.get(f"/continuity-packs/{ours.pack.id}/download").status_code == 403
        assert client.get("/continuity-packs").status_code == 403


def test_the_command_writes_a_pack_on_demand(app, world, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "continuity-pack",
            "--establishment",
            world.yoi.code.lower(),
            "--output",
            str(tmp_path),
        ]
    )
    assert result.exit_code == 0, result.output
    [written] = list(tmp_path.glob("continuity-pack-*.pdf"))
    assert str(written) in result.output and "2 children" in result.output
    assert "Zoe Young" in pdf_text(written.read_bytes())
    assert (
        db.session()
        .exec(select(AuditEvent).where(AuditEvent.action == "continuity_pack_written"))
        .one()
    )


def test_the_command_refuses_an_unknown_code_or_a_folder_it_cannot_write(app, world, tmp_path):
    runner = app.test_cli_runner()
    unknown = runner.invoke(
        args=["continuity-pack", "--establishment", "NOPE", "--output", str(tmp_path)]
    )
    assert unknown.exit_code == 2
    assert "No establishment has the code NOPE" in unknown.output
    assert "--establishment" in unknown.output

    # A folder inside a file cannot be made, whoever runs the command.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    refused = runner.invoke(
        args=[
            "continuity-pack",
            "--establishment",
            world.yoi.code,
            "--output",
            str(blocker / "packs"),
        ]
    )
    assert refused.exit_code == 2
    assert "Cannot make the folder" in refused.output and "--output" in refused.output
    assert (
        not db.session()
        .exec(select(AuditEvent).where(AuditEvent.action == "continuity_pack_written"))
        .first()
    )


def test_staff_see_the_packs_in_their_menu(app, world):
    create_user(world.yoi, email="wing@example.org")
    staff = app.test_client()
    sign_in(staff, world.staff)
    page = staff.get("/continuity-packs").text
    assert "No pack has been produced yet" in page
    assert 'href="/continuity-packs"' in staff.get("/").text
