"""The synthetic national data set: every kind of record, in proportion, and never in production."""

import sqlalchemy as sa

from yoi_welfare import db
from yoi_welfare.audit.services import verify_chain


def _count(table: str) -> int:
    return db.session().execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608


def test_synth_builds_every_kind_of_record_in_proportion(app):
    result = app.test_cli_runner().invoke(
        args=["synth", "--children", "150", "--years", "3", "--seed", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "young_person" in result.output and "150" in result.output
    children = _count("young_person")
    assert children == 150
    for table in (
        "placement",
        "welfare_screening",
        "screening_read",
        "custody_welfare_note",
        "custody_welfare_note_amendment",
        "self_harm_flag",
        "self_harm_case_review",
        "placement_review",
        "welfare_action",
        "escalation",
        "escalation_response",
        "audit_event",
        "sharing_agreement",
    ):
        assert _count(table) > 0, table
    # Roughly the national proportions: ~50 actions and ~120 notes a child, more notes than
    # actions, most actions closed, a few hundred children in custody per 20,000.
    assert 20 * children < _count("welfare_action") < 100 * children
    assert _count("custody_welfare_note") > _count("welfare_action")
    open_actions = _count("welfare_action WHERE completed_at IS NULL AND cancelled_at IS NULL")
    assert open_actions < _count("welfare_action") / 10
    held = _count("placement WHERE left_at IS NULL")
    assert 0 < held < children / 3
    # The establishment that received the child read the YOT's screening, and met (or was
    # late for) the reading deadline the admission gave it by reading.
    assert _count("screening_read") > 0
    assert (
        _count(
            "screening_read r JOIN welfare_screening s ON s.id = r.screening_id WHERE NOT EXISTS "
            "(SELECT 1 FROM placement p WHERE p.young_person_id = s.young_person_id "
            "AND p.establishment_id = r.agency_id)"
        )
        == 0
    )
    assert _count(
        "welfare_action a JOIN screening_read r ON r.screening_id = a.source_id "
        "WHERE a.kind = 'welfare_screening_read' AND a.source_type = 'welfare_screening' "
        "AND a.owner_agency_id = r.agency_id AND a.completed_at = r.read_at"
    ) == _count("screening_read")
    # What an admission made due names the placement that began the custody episode.
    admission_kinds = "('welfare_screening_due', 'first_lac_review', 'initial_planning_meeting')"
    assert _count(f"welfare_action WHERE kind IN {admission_kinds}") == _count(
        f"welfare_action a JOIN placement p ON p.id = a.source_id WHERE a.kind IN {admission_kinds}"
        " AND a.source_type = 'placement' AND p.young_person_id = a.young_person_id"
        " AND p.admitted_at = a.created_at"
    )
    # One open flag per child at most, and the audit chain written as the service writes it.
    assert verify_chain().first_broken_id is None


def test_synth_is_repeatable_with_a_seed(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["synth", "--children", "20", "--years", "2", "--seed", "9"])
    first = _count("custody_welfare_note")
    names = db.session().execute(sa.text("SELECT family_name FROM young_person ORDER BY id")).all()
    db.rollback()  # let the command take SQLite's write lock
    result = runner.invoke(args=["synth", "--children", "20", "--years", "2", "--seed", "9"])
    assert result.exit_code == 0, result.output
    assert _count("custody_welfare_note") == 2 * first
    again = db.session().execute(sa.text("SELECT family_name FROM young_person ORDER BY id")).all()
    assert again[20:] == names


def test_synth_refuses_to_run_in_production(app):
    app.config["ENV_NAME"] = "production"
    result = app.test_cli_runner().invoke(args=["synth", "--children", "5", "--years", "1"])
    assert result.exit_code != 0
    assert "refuses to run when YOI_WELFARE_ENV=production" in result.output
    assert _count("young_person") == 0


def test_synth_rejects_nonsense_sizes(app):
    result = app.test_cli_runner().invoke(args=["synth", "--children", "0", "--years", "1"])
    assert result.exit_code == 2
    assert "--children" in result.output
