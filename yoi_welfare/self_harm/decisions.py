"""What a manager's approval or return does to a case review's decision on a self-harm flag.

A review that would close the flag at high risk or with observations above standard, or lower
the risk two levels at once, waits for a manager (``services.record_case_review``). Approving
closes the flag, or lowers the risk, from that moment. Returning leaves the flag open at the
risk it was at; a flag that was to close needs a next case review, due within the limit for
its risk level from the return.
"""

from datetime import datetime, timedelta

from yoi_welfare import db
from yoi_welfare.accounts.models import User
from yoi_welfare.actions import services as actions
from yoi_welfare.approvals import services as approvals
from yoi_welfare.approvals.models import Approval
from yoi_welfare.people.models import YoungPerson
from yoi_welfare.self_harm import rules as flag_rules
from yoi_welfare.self_harm import services
from yoi_welfare.self_harm.models import CaseReview, SelfHarmFlag

# The kind of the welfare action that watches a request (the rule's key).
ACTION_KIND = "self_harm_approval"

# When no limit rule is set for the flag's risk level, a returned closure is reviewed within
# a day, as a first case review is.
FALLBACK_NEXT_REVIEW = timedelta(hours=24)


def _review_and_flag(approval: Approval) -> tuple[CaseReview, SelfHarmFlag, YoungPerson]:
    session = db.session()
    review = session.get(CaseReview, approval.subject_id)
    flag = session.get(SelfHarmFlag, review.flag_id)
    return review, flag, session.get(YoungPerson, flag.young_person_id)


def approved(approval: Approval, by: User, now: datetime) -> None:
    review, flag, child = _review_and_flag(approval)
    flag.risk_level = review.risk_level
    if review.closes_flag:
        flag.next_review_due = None
        services.mark_closed(flag, at=now, by=review.recorded_by_id)
        services.save_flag(flag)
        actions.on_event("self_harm_flag_closed", child=child, at=now, by=by, source=flag)
        services.audit_flag("self_harm_flag_closed", flag, by)
    else:
        services.save_flag(flag)


def returned(approval: Approval, by: User, now: datetime) -> None:
    review, flag, child = _review_and_flag(approval)
    if not review.closes_flag:
        return  # the risk stays where it was, and so does the next review
    limit = flag_rules.review_limits(now).get(flag.risk_level)
    due = limit.latest if limit else now + FALLBACK_NEXT_REVIEW
    flag.next_review_due = due
    services.save_flag(flag)
    actions.on_event("case_review_held", child=child, at=now, by=by, source=review, due=due)


approvals.register(
    services.APPROVAL_KIND,
    approvals.ApprovalKind(
        label="A case review's decision on a self-harm flag",
        subject_path=lambda approval: services.flag_path(_review_and_flag(approval)[1]),
        approved=approved,
        returned=returned,
    ),
)
