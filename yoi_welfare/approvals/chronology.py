"""Requests for a manager's approval in the chronology: when asked, and what was decided."""

from collections.abc import Iterator

from yoi_welfare.approvals.models import Approval, ApprovalState
from yoi_welfare.chronology.entry import Entry


def approval_entries(
    approval: Approval, users: dict[int, str], href: str, *, category: str
) -> Iterator[Entry]:
    """Asking a manager to approve a decision, and what the manager decided, with who."""
    yield Entry(
        approval.requested_at,
        category,
        "Manager's approval asked",
        author=users.get(approval.requested_by_id),
        detail=f"{approval.summary}.",
        href=href,
    )
    if approval.decided_at is None:
        return
    title = {
        ApprovalState.APPROVED: f"Manager approved: {approval.summary.lower()}",
        ApprovalState.RETURNED: f"Manager returned: {approval.summary.lower()}",
        ApprovalState.WITHDRAWN: "Request for a manager's approval withdrawn",
    }[approval.state]
    yield Entry(
        approval.decided_at,
        category,
        title,
        author=users.get(approval.decided_by_id),
        detail=approval.reason,
        href=href,
    )
