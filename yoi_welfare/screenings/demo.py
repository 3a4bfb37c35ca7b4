"""Demo welfare screenings, written through the same services as the web pages.

Part of `flask demo-data` (yoi_welfare/demo.py): several held children get a submitted screening
with a story (one of them two, so "what changed" has something to show), every other child the
YOT screened gets one of what their record says, the establishment holding each has read all
but the last two, and one child has a draft in progress.
"""

from datetime import datetime, timedelta

from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.accounts.models import Role, User
from yoi_welfare.actions import queries as action_queries
from yoi_welfare.domain.wellbeing import Level
from yoi_welfare.people.models import Placement, YoungPerson
from yoi_welfare.people.placements import is_current
from yoi_welfare.screenings import services
from yoi_welfare.screenings.models import WelfareScreening
from yoi_welfare.screenings.questions import SECTIONS

# Each demo screening: the answers that are "yes" (with their details), and the practitioner's
# level and reason when they differ from the indicated level.
STORIES: list[tuple[dict, Level | None, str | None]] = [
    (
        {
            "self_harm_ever": True,
            "self_harm_detail": "Cut their arms the night after their arrest.",
            "self_harm_what_helped": "Talking to their older sister; having the light on.",
            "self_harm_recent": True,
            "self_harm_recent_detail": "Said at court that they did not want to live.",
            "first_time_in_custody": True,
            "must_know_tonight": True,
            "must_know_tonight_detail": "Recent self-harm and first night in custody: "
            "consider opening a self-harm flag on arrival.",
        },
        None,
        None,
    ),
    (
        {
            "looked_after": True,
            "looked_after_detail": "Section 20; social worker Ana Costa, 01632 960001.",
            "substance_misuse": True,
            "substance_misuse_detail": "Cannabis most days; last used two days ago.",
        },
        None,
        None,
    ),
    (
        {
            "neurodisability": True,
            "neurodisability_detail": "Autism: give one instruction at a time, in writing too.",
            "bullying": True,
            "bullying_detail": "Bullied at school about their speech.",
            "child_protection_plan": True,
            "child_protection_plan_detail": "Neglect; social worker Tom Reed, 01632 960002.",
        },
        None,
        None,
    ),
    (
        {
            "exploitation": True,
            "exploitation_detail": "County lines: was found in another city with cash.",
            "gang_association": True,
            "gang_association_detail": "Keep apart from anyone from the Eastside group.",
            "must_know_tonight": True,
            "must_know_tonight_detail": "Threatened by another young person at court today.",
        },
        None,
        None,
    ),
    (
        {},
        Level.MEDIUM,
        "First remand; very anxious at court and asked twice whether they would be hurt.",
    ),
    (
        {
            "camhs_involvement": True,
            "camhs_detail": "Eastvale CAMHS, Dr Okafor; weekly sessions.",
            "mental_health_medication": True,
            "mental_health_medication_detail": "Sertraline 50mg each morning; last dose today.",
        },
        None,
        None,
    ),
]

# The first child's second screening, ten days after the first: the same self-harm history, and
# what the YOT has learnt since.
SECOND_STORY = (
    {
        **{
            name: value
            for name, value in STORIES[0][0].items()
            if not name.startswith(("must_know_tonight", "first_time"))
        },
        **STORIES[1][0],
    },
    None,
    None,
)


def _answers(yes: dict, today) -> dict[str, dict]:
    """Every section's answers: "no" unless the story says yes."""
    values = {
        question.name: False
        for section in SECTIONS
        for question in section.questions
        if question.kind.value == "YES_NO"
    }
    values["family_contacts"] = "Mother, 07700 900123; grandmother, 07700 900456."
    values.update(yes)
    if yes.get("self_harm_ever"):
        values.setdefault("last_self_harm_on", today - timedelta(days=12))
    return {
        section.slug: {name: values.get(name) for name in section.columns()} for section in SECTIONS
    }


def _write(screening, child, answers, officer: User, at: datetime) -> None:
    for section in SECTIONS:
        services.save_section(
            screening,
            section,
            answers[section.slug],
            version=screening.version_id,
            by=officer,
            now=at,
        )


def _submit(child, story, officer: User, at: datetime, copy_from=None) -> WelfareScreening:
    yes, level, reason = story
    screening = services.start_screening(child, by=officer, now=at, copy_from=copy_from)
    _write(screening, child, _answers(yes, at.date()), officer, at)
    services.set_level(
        screening,
        level=level or screening.indicated_level,
        reason=reason,
        version=screening.version_id,
        by=officer,
        now=at,
    )
    services.submit(screening, child, version=screening.version_id, by=officer, now=at)
    return screening


def create_demo_screenings(
    held: list[tuple[YoungPerson, User]], now: datetime, screened: dict[int, datetime]
) -> None:
    """Screenings for the first held children: submitted, mostly read, and one draft. The
    other held children the YOT screened (``screened``: when, by child) get a screening of
    what their record says, so that no child's screening due is met with no screening."""
    session = db.session()
    submitted = []
    for number, story in enumerate(STORIES):
        child, officer = held[number]
        admitted = session.exec(select(Placement.admitted_at).where(is_current(child.id))).one()
        # The last two were written today, so they are still new to the establishment.
        fresh = number >= len(STORIES) - 2
        # The rest soon after admission, leaving room for a second screening ten days later.
        soon_after = min(admitted + timedelta(hours=5), now - timedelta(days=11))
        at = now - timedelta(hours=3 - number % 2) if fresh else soon_after
        submitted.append((_submit(child, story, officer, at), child, at, fresh))
    # A second screening of the first child: things changed since. The self-harm the first
    # recorded is still the child's history, so the second says so too.
    first, child, at, _fresh = submitted[0]
    later = _submit(child, SECOND_STORY, held[0][1], at + timedelta(days=10), copy_from=first)
    submitted.append((later, child, at + timedelta(days=10), False))
    for child, officer in held[len(STORIES) + 1 :]:
        if child.id in screened:
            record = {"looked_after": child.looked_after}
            if child.looked_after:
                record["looked_after_detail"] = "Looked after by the home local authority."
            if child.child_protection_plan:
                record["child_protection_plan"] = True
                record["child_protection_plan_detail"] = "Neglect; see the social worker."
            at = screened[child.id]
            submitted.append((_submit(child, (record, None, None), officer, at), child, at, False))
    for screening, child, at, fresh in submitted:
        if fresh:
            continue
        holding = action_queries.dao_holding_establishment(child)
        staff = session.exec(
            select(User).where(User.agency_id == holding.id, User.role == Role.ESTABLISHMENT_STAFF)
        ).first()
        services.record_view(screening, user=staff, now=min(now, at + timedelta(hours=2)))
    child, officer = held[len(STORIES)]
    draft = services.start_screening(child, by=officer, now=now - timedelta(hours=1))
    answers = _answers({}, now.date())
    for section in SECTIONS[:3]:
        services.save_section(
            draft,
            section,
            answers[section.slug],
            version=draft.version_id,
            by=officer,
            now=now - timedelta(minutes=50),
        )
