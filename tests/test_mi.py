"""Management information: each measure against a hand-counted set of records, the filters,
who sees which figures, and the CSV downloads."""

import csv
import io
from datetime import UTC, datetime, time, timedelta

import pytest
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
from yoi_welfare.audit.models import AuditEvent
from yoi_welfare.dates import london_instant, london_today
from yoi_welfare.domain.timescales import EscalationLevel
from yoi_welfare.escalations.models import Escalation
from yoi_welfare.screenings.models import ScreeningRead
from yoi_welfare.self_harm.models import FlagState, ObservationLevel, RiskLevel, SelfHarmFlag

TODAY = london_today()
NOW = datetime.now(UTC)
FIRST = TODAY - timedelta(days=30)


def at(days_ago: int, hour: int = 10) -> datetime:
    """10:00 UK time, ``days_ago`` days before today."""
    return london_instant(TODAY - timedelta(days=days_ago), time(hour, 0))


def saved(row):
    db.session().add(row)
    db.session().flush()
    return row


def flag(world, child, risk, opened_days_ago, closed_days_ago=None):
    return saved(
        SelfHarmFlag(
            young_person_id=child.id,
            concern="Said they cannot cope.",
            risk_level=risk,
            observation_level=ObservationLevel.HOURLY,
            state=FlagState.CLOSED if closed_days_ago is not None else FlagState.OPEN,
            opened_at=at(opened_days_ago),
            closed_at=at(closed_days_ago) if closed_days_ago is not None else None,
            opened_by_id=world.staff.id,
            opened_establishment_id=world.yoi.id,
            reviewed_establishment_id=world.yoi.id,
        )
    )


@pytest.fixture
def world(app):
    world = World()
    world.manager = create_user(world.yoi, is_manager=True, email="wing.manager@example.org")
    world.yot_manager = create_user(world.yot, is_manager=True, email="yot.manager@example.org")
    a = create_child(world.area, given_name="Ada", family_name="Ash")
    b = create_child(world.area, given_name="Ben", family_name="Birch")
    theirs = create_child(world.other_area, given_name="Theo", family_name="Riverside")
    create_placement(a, world.yoi, admitted_at=at(25))
    create_placement(b, world.yoi, admitted_at=at(15))
    create_placement(theirs, world.yoi, admitted_at=at(10))

    def done(child, owner, due, completed=None, **fields):
        return create_action(child, owner, due_at=due, completed_at=completed, **fields)

    # Northmoor YOT: two due in the period, one on time, one 2 hours late.
    done(a, world.yot, at(10), at(11))
    done(a, world.yot, at(10), at(10) + timedelta(hours=2))
    # Not counted: cancelled, or due before the period.
    done(a, world.yot, at(3), cancelled_at=at(4), cancellation_reason="Not needed")
    done(a, world.yot, at(40), at(39))
    # Ashgrove YOI: three due, none on time (6 and 10 hours late, one still open), one not due.
    done(b, world.yoi, at(5), at(5) + timedelta(hours=6))
    done(b, world.yoi, at(8), at(8) + timedelta(hours=10))
    overdue = done(b, world.yoi, at(5))
    done(b, world.yoi, NOW + timedelta(days=2))
    # Riverside's child: never in Northmoor's figures, but held at Ashgrove.
    theirs_overdue = done(theirs, world.yoi, at(5))
    for action, level in [
        (overdue, EscalationLevel.AGENCY),
        (overdue, EscalationLevel.ACPC),
        (theirs_overdue, EscalationLevel.AGENCY),
    ]:
        saved(
            Escalation(
                action_id=action.id,
                level=level,
                agency_id=world.yoi.id if level is EscalationLevel.AGENCY else world.acpc.id,
                became_due_at=action.due_at,
                raised_at=NOW - timedelta(minutes=30),
            )
        )
    flag(world, a, RiskLevel.RAISED, 3)
    flag(world, b, RiskLevel.HIGH, 20, closed_days_ago=2)
    flag(world, a, RiskLevel.LOW, 60, closed_days_ago=50)
    flag(world, theirs, RiskLevel.HIGH, 3)
    # Screenings: Ada's read an hour after admission, Ben's two days after.
    for child, days_ago, read_after in [(a, 25, 1), (b, 15, 48), (theirs, 10, 1)]:
        screening = create_screening(child, world.officer, submitted_at=at(days_ago + 1))
        saved(
            ScreeningRead(
                screening_id=screening.id,
                agency_id=world.yoi.id,
                read_by_id=world.staff.id,
                read_at=at(days_ago) + timedelta(hours=read_after),
            )
        )
    db.commit()
    return world


def period(first=FIRST, last=TODAY, **extra) -> list[tuple[str, str]]:
    args = [("from_date", str(part)) for part in (first.day, first.month, first.year)]
    args += [("to_date", str(part)) for part in (last.day, last.month, last.year)]
    return args + list(extra.items())


def table(client, url: str, key: str, args) -> list[list[str]]:
    response = client.get(f"{url}/{key}.csv", query_string=args)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{key}-')
    return list(csv.reader(io.StringIO(response.data.decode("utf-8"))))


def test_the_acpc_sees_each_measure_of_its_area_as_hand_counted(client, world):
    sign_in(client, world.acpc_member)
    args = period()
    url = "/acpc/dashboard"
    assert table(client, url, "deadlines_by_owner", args) == [
        ["Owner agency", "Due", "Met on time", "Met on time (%)", "Median lateness (hours)"],
        ["Ashgrove YOI", "3", "0", "0", "10.0"],
        ["Northmoor YOT", "2", "1", "50", "2.0"],
    ]
    [header, manual] = table(client, url, "deadlines_by_kind", args)
    assert header[0] == "Kind of action"
    # Late by 2, 6, 10 hours and one still open (5 days): the median is 8 hours.
    assert manual == ["Added by hand", "5", "1", "20", "8.0"]
    assert table(client, url, "open_and_overdue", args) == [
        ["Owner agency", "Open", "Overdue"],
        ["Ashgrove YOI", "2", "1"],
    ]
    weeks = table(client, url, "escalations_by_week", args)
    assert weeks[0] == ["Week", "To the owner agency", "To the ACPC"]
    assert len(weeks) == 13
    assert weeks[-1][1:] == ["1", "1"]
    assert all(row[1:] == ["0", "0"] for row in weeks[1:-1])
    assert table(client, url, "self_harm_flags_by_risk", args) == [
        ["Risk level", "Opened", "Closed"],
        ["Low", "0", "0"],
        ["Raised", "1", "0"],
        ["High", "1", "1"],
    ]
    assert table(client, url, "screenings_before_first_night", args) == [
        ["Establishment", "Admissions", "Read before the first night", "Read in time (%)"],
        ["Ashgrove YOI", "2", "1", "50"],
    ]


def test_the_dashboard_draws_each_measure_with_its_table_and_links(client, world):
    sign_in(client, world.acpc_member)
    page = client.get("/acpc/dashboard", query_string=period())
    assert page.status_code == 200
    text = page.text
    assert text.count("<svg") == 6 and text.count('role="img"') == 6
    assert "<script" not in text.split("</main>")[0].split("<main")[1]
    assert 'href="/actions?kind=manual&amp;status=completed"' in text
    assert 'href="/actions?status=overdue"' in text
    assert "/acpc/escalations?agency=&amp;status=all" in text
    assert "/acpc/dashboard/deadlines_by_owner.csv?from_date=" in text
    exported = client.get("/acpc/dashboard/open_and_overdue.csv", query_string=period())
    assert exported.status_code == 200
    events = db.session().exec(
        select(AuditEvent).where(AuditEvent.action == "management_information_exported")
    )
    assert [event.user_id for event in events] == [world.acpc_member.id]


def test_the_agency_filter_limits_to_one_owner(client, world):
    sign_in(client, world.acpc_member)
    rows = table(client, "/acpc/dashboard", "deadlines_by_owner", period(agency=world.yot.id))
    assert [row[0] for row in rows[1:]] == ["Northmoor YOT"]
    # An establishment's filter also limits flags and admissions to that establishment.
    flags = table(
        client, "/acpc/dashboard", "self_harm_flags_by_risk", period(agency=world.other_yoi.id)
    )
    assert all(row[1:] == ["0", "0"] for row in flags[1:])


def test_a_manager_sees_their_agencys_actions_for_every_child_they_can_open(client, world):
    sign_in(client, world.manager)
    args = period()
    # Ashgrove holds Riverside's child too: its overdue action counts here, not for Northmoor.
    [row] = table(client, "/dashboard", "deadlines_by_owner", args)[1:]
    assert row[:4] == ["Ashgrove YOI", "4", "0", "0"]
    flags = table(client, "/dashboard", "self_harm_flags_by_risk", args)
    assert flags[3] == ["High", "2", "1"]
    page = client.get("/dashboard", query_string=args).text
    assert 'href="/escalations"' in page
    assert 'name="agency"' not in page


def test_a_yot_manager_sees_no_other_agencys_deadlines(client, world):
    sign_in(client, world.yot_manager)
    rows = table(client, "/dashboard", "deadlines_by_owner", period())
    assert [row[0] for row in rows[1:]] == ["Northmoor YOT"]


@pytest.mark.parametrize(
    "args, message",
    [
        (
            period(first=TODAY, last=TODAY - timedelta(days=1)),
            "The end date must be the same as or after the start date",
        ),
        (
            period(first=TODAY - timedelta(days=5 * 366 + 1), last=TODAY),
            "The period must be 5 years or shorter",
        ),
        ([("from_date", "31"), ("from_date", "2"), ("from_date", "2026")], "must be a real date"),
    ],
)
def test_a_bad_period_gets_a_gov_uk_error(client, world, args, message):
    sign_in(client, world.acpc_member)
    page = client.get("/acpc/dashboard", query_string=args)
    assert page.status_code == 200
    assert "There is a problem" in page.text and message in page.text
    assert "<title>Error: " in page.text
    assert "<svg" not in page.text
    assert client.get("/acpc/dashboard/open_and_overdue.csv", query_string=args).status_code == 400


def test_an_agency_of_another_area_is_refused(client, world):
    sign_in(client, world.acpc_member)
    page = client.get("/acpc/dashboard", query_string=period(agency=world.other_yot.id))
    assert "Select an agency of Northmoor from the list" in page.text
    assert "<svg" not in page.text


def test_another_areas_acpc_counts_none_of_northmoors_records(client, world):
    sign_in(client, world.other_acpc_member)
    rows = table(client, "/acpc/dashboard", "deadlines_by_owner", period())
    assert rows[1:] == [["Ashgrove YOI", "1", "0", "0", rows[1][4]]]
    flags = table(client, "/acpc/dashboard", "self_harm_flags_by_risk", period())
    assert flags[1:] == [["Low", "0", "0"], ["Raised", "0", "0"], ["High", "1", "0"]]


@pytest.mark.parametrize(
    "role, url",
    [
        ("officer", "/dashboard"),
        ("staff", "/dashboard"),
        ("admin", "/dashboard"),
        ("officer", "/acpc/dashboard"),
        ("manager", "/acpc/dashboard"),
        ("acpc_member", "/dashboard"),
    ],
)
def test_only_acpc_members_and_managers_see_dashboards(client, world, role, url):
    sign_in(client, getattr(world, role))
    assert client.get(url).status_code == 403
    assert client.get(f"{url}/open_and_overdue.csv").status_code == 403


def test_an_unknown_measure_is_not_found(client, world):
    sign_in(client, world.acpc_member)
    assert client.get("/acpc/dashboard/passwords.csv").status_code == 404


def test_the_cli_writes_one_csv_per_measure_as_the_acpc_sees_them(app, world, tmp_path):
    out = tmp_path / "mi"
    result = app.test_cli_runner().invoke(
        args=[
            "mi",
            "export",
            "--area",
            "nth",
            "--from",
            str(FIRST),
            "--to",
            str(TODAY),
            "--output",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "deadlines_by_kind.csv",
        "deadlines_by_owner.csv",
        "escalations_by_week.csv",
        "open_and_overdue.csv",
        "screenings_before_first_night.csv",
        "self_harm_flags_by_risk.csv",
    ]
    rows = list(csv.reader(io.StringIO((out / "deadlines_by_owner.csv").read_text("utf-8"))))
    assert rows[1] == ["Ashgrove YOI", "3", "0", "0", "10.0"]
    assert "deadlines_by_owner.csv: 2 rows" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--area", "ZZZ"], "No area with an ACPC has the code ZZZ"),
        (["--from", "yesterday"], "'yesterday' is not a date; use the form 2026-11-30"),
        (
            ["--from", "2026-11-30", "--to", "2026-11-01"],
            "The end date must be the same as or after",
        ),
        (["--from", "2020-01-01", "--to", "2026-11-01"], "The period must be 5 years or shorter"),
    ],
)
def test_the_cli_names_the_bad_option(app, world, tmp_path, args, message):
    given = {"--area": "NTH", "--from": "2026-09-01", "--to": "2026-11-30"}
    given.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [part for pair in given.items() for part in pair]
    result = app.test_cli_runner().invoke(
        args=["mi", "export", *flat, "--output", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
