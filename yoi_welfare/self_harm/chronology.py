"""Self-harm flags in the chronology: opened, plan, interview, each case review, ended (at the
post-closure review or on release)."""

from collections.abc import Iterator

from yoi_welfare.actions.queries import dao_user_names
from yoi_welfare.approvals.chronology import approval_entries
from yoi_welfare.approvals.models import Approval
from yoi_welfare.chronology.entry import Entry
from yoi_welfare.dates import format_datetime
from yoi_welfare.people.record import ChildRecord
from yoi_welfare.self_harm import queries as flag_queries
from yoi_welfare.self_harm import services
from yoi_welfare.self_harm.models import CaseReview, SelfHarmFlag
from yoi_welfare.view_helpers import url_for


def _levels(review: CaseReview) -> str:
    parts = []
    for what, before, after in (
        ("Risk", review.previous_risk_level, review.risk_level),
        ("Observations", review.previous_observation_level, review.observation_level),
    ):
        change = f"{before.label} to {after.label}" if before is not after else after.label
        parts.append(f"{what}: {change}.")
    return " ".join(parts)


def flag_entries(record: ChildRecord, limit: int | None = None) -> Iterator[Entry]:
    # A child has few of these, so all are taken whatever the limit.
    flags = record.flags
    if not flags:
        return
    reviews = flag_queries.dao_case_reviews_of_child(record.child.id)
    asked = {
        approval.subject_id: approval
        for approval in record.approvals
        if approval.kind == services.APPROVAL_KIND
    }
    users = dao_user_names(
        {user_id for flag in flags for user_id in flag_queries.user_ids(flag)}
        | {review.recorded_by_id for review, _ in reviews}
        | {a.requested_by_id for a in asked.values()}
        | {a.decided_by_id for a in asked.values() if a.decided_by_id}
    )
    agencies = flag_queries.dao_agency_names(
        {flag.opened_establishment_id for flag in flags}
        | {flag.released_from_id for flag in flags if flag.released_from_id}
    )
    by_flag: dict[int, list] = {}
    for review, establishment in reviews:
        by_flag.setdefault(review.flag_id, []).append((review, establishment))
    for flag in flags:
        href = url_for("self_harm.show", flag_id=flag.id)
        yield Entry(
            flag.opened_at,
            "self_harm",
            "Self-harm flag opened",
            agency=agencies.get(flag.opened_establishment_id),
            author=users.get(flag.opened_by_id),
            detail=f"{_opening_levels(flag, by_flag.get(flag.id, []))} {flag.concern}",
            href=href,
        )
        if flag.immediate_action_plan_at:
            yield Entry(
                flag.immediate_action_plan_at,
                "self_harm",
                "Immediate action plan recorded",
                author=users.get(flag.immediate_action_plan_by_id),
                detail=flag.immediate_action_plan,
                href=href,
            )
        if flag.assessment_interview_at:
            yield Entry(
                flag.assessment_interview_at,
                "self_harm",
                "Assessment interview held",
                author=users.get(flag.assessment_interview_by_id),
                detail=flag.assessment_interview,
                href=href,
            )
        for review, establishment in by_flag.get(flag.id, []):
            approval = asked.get(review.id)
            title, after = _review_outcome(review, approval)
            yield Entry(
                review.held_at,
                "self_harm",
                title,
                agency=establishment,
                author=users.get(review.recorded_by_id),
                detail=f"{review.outcome} {_levels(review)} {after}",
                href=href,
            )
            if approval is not None:
                yield from approval_entries(approval, users, href, category="self_harm")
        if flag.post_closure_review_at:
            yield Entry(
                flag.post_closure_review_at,
                "self_harm",
                "Post-closure review: self-harm flag ended",
                author=users.get(flag.post_closure_review_by_id),
                detail=flag.post_closure_review,
                href=href,
            )
        if flag.released_at:
            closed_at_review = any(review.closes_flag for review, _ in by_flag.get(flag.id, []))
            was = "in its post-closure period" if closed_at_review else "open"
            yield Entry(
                flag.released_at,
                "self_harm",
                "Released: self-harm flag ended",
                agency=agencies.get(flag.released_from_id),
                detail=f"Released while the flag was {was}; it ended with the release.",
                href=href,
            )


def _review_outcome(review: CaseReview, approval: Approval | None) -> tuple[str, str]:
    """The title of a case review's entry, and what it did to the flag."""
    if approval is not None:
        return f"Case review: {approval.summary.lower()}, if a manager approves", (
            f"{approval.summary}: this needed a manager's approval."
        )
    if review.closes_flag:
        return "Case review: self-harm flag closed", "The flag was closed."
    return "Case review", f"Next review {format_datetime(review.next_review_due)}."


def _opening_levels(flag: SelfHarmFlag, reviews: list[tuple[CaseReview, str]]) -> str:
    """The levels the flag was opened with: as it is now, or as its first review found it."""
    if reviews:
        first = reviews[0][0]
        risk, observations = first.previous_risk_level, first.previous_observation_level
    else:
        risk, observations = flag.risk_level, flag.observation_level
    return f"Risk: {risk.label}. Observations: {observations.label}."
