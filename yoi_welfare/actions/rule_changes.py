"""Changing a timescale rule: a change that lengthens it waits for a second administrator.

A shorter deadline or grace only makes the watch closer, so it applies at once. A longer one
loosens it, so it is asked of another administrator (``approvals``) and the rule as it was
applies until they approve; the administrators' home page and the rules page show it meanwhile.
"""

from datetime import datetime

from yoi_welfare import db
from yoi_welfare.accounts.models import User
from yoi_welfare.actions import services as actions
from yoi_welfare.actions.models import TimescaleRule, describe_period
from yoi_welfare.approvals import services as approvals
from yoi_welfare.approvals.models import Approval
from yoi_welfare.domain.rule_bounds import lengthens
from yoi_welfare.domain.timescales import Unit
from yoi_welfare.view_helpers import url_for

KIND = "timescale_rule_change"


def dao_pending_changes() -> list[Approval]:
    """Rule changes waiting for a second administrator, oldest first."""
    return [a for a in approvals.dao_pending_for_administrators() if a.kind == KIND]


def change_rule(
    rule: TimescaleRule,
    *,
    by: User,
    version_id: int | None,
    due_offset: int | None,
    due_unit: Unit | None,
    acpc_grace_offset: int,
    acpc_grace_unit: Unit,
    now: datetime,
) -> Approval | None:
    """Apply a change that does not lengthen the rule; ask a second administrator to approve
    one that does, and return the request (None when the change applied)."""
    proposed = {
        "due_offset": due_offset,
        "due_unit": Unit(due_unit).value if due_unit else None,
        "acpc_grace_offset": acpc_grace_offset,
        "acpc_grace_unit": Unit(acpc_grace_unit).value,
    }
    actions.check_rule_change(rule, version_id=version_id, **_values(proposed))
    longer_due = lengthens(_period(rule.due_offset, rule.due_unit), _period(due_offset, due_unit))
    longer_grace = lengthens(
        (rule.acpc_grace_offset, rule.acpc_grace_unit), (acpc_grace_offset, acpc_grace_unit)
    )
    if not (longer_due or longer_grace):
        actions.update_rule(rule, by=by, version_id=version_id, now=now, **_values(proposed))
        return None
    if any(approval.subject_id == rule.id for approval in dao_pending_changes()):
        raise actions.ActionError(
            "A change to this rule is already waiting for another administrator. It must be "
            "approved or returned before another is made"
        )
    changes = []
    if longer_due:
        changes.append(f"due after {describe_period(due_offset, Unit(due_unit))}")
    if longer_grace:
        changes.append(f"to the ACPC after {describe_period(acpc_grace_offset, acpc_grace_unit)}")
    return approvals.request_approval(
        KIND,
        subject=rule,
        summary=f"Lengthen the rule “{rule.action_label}”: {' and '.join(changes)}",
        by=by,
        approver_agency_id=None,
        now=now,
        proposed=proposed,
    )


def _period(offset: int | None, unit: Unit | None) -> tuple[int, Unit] | None:
    return None if offset is None or unit is None else (offset, Unit(unit))


def _values(proposed: dict) -> dict:
    return {
        "due_offset": proposed["due_offset"],
        "due_unit": Unit(proposed["due_unit"]) if proposed["due_unit"] else None,
        "acpc_grace_offset": proposed["acpc_grace_offset"],
        "acpc_grace_unit": Unit(proposed["acpc_grace_unit"]),
    }


def _rule(approval: Approval) -> TimescaleRule:
    return db.session().get(TimescaleRule, approval.subject_id)


def approved(approval: Approval, by: User, now: datetime) -> None:
    """The second administrator approved: the change applies from now, for new actions."""
    rule = _rule(approval)
    requester = db.session().get(User, approval.requested_by_id)
    actions.update_rule(
        rule, by=requester, version_id=rule.version_id, now=now, **_values(approval.proposed)
    )


def returned(approval: Approval, by: User, now: datetime) -> None:
    """Returned: the rule stays as it is."""


approvals.register(
    KIND,
    approvals.ApprovalKind(
        label="A longer timescale rule",
        subject_path=lambda approval: url_for("timescales.edit", rule_id=approval.subject_id),
        approved=approved,
        returned=returned,
    ),
)
