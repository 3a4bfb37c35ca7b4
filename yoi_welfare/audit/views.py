"""Who has seen a child's record: the audit trail for that record, for those who oversee it."""

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from yoi_welfare.access import (
    Permission,
    get_child_for_access_log,
    permission_required,
)
from yoi_welfare.accounts.models import Role
from yoi_welfare.audit import services as audit
from yoi_welfare.governance.disclosures import dao_disclosures_for_child
from yoi_welfare.people import merge
from yoi_welfare.view_helpers import page_number

bp = Blueprint("audit", __name__)
# The newest disclosures; the subject access export lists every one.
DISCLOSURES_SHOWN = 100


@bp.get("/children/<int:child_id>/access-log")
@permission_required(Permission.VIEW_ACCESS_LOG)
def child_access_log(child_id: int):
    child = get_child_for_access_log(child_id)
    # Looking at the log is itself an access to the record, and shows in the log.
    audit.record(
        "access_log_viewed",
        user=current_user,
        young_person_id=child_id, object_type="access_log", object_id=child_id,
    )
    events = audit.dao_events_for_child(
        child_id,
        page_number(),
        current_app.config["PAGE_SIZE"],
        merged_ids=merge.dao_merged_ids(child_id),
    )
    disclosures, disclosure_total = dao_disclosures_for_child(child_id, DISCLOSURES_SHOWN)
    return render_template(
        "audit/access_log.html",
        disclosures=disclosures,
        disclosure_total=disclosure_total,
        child_id=child_id,
        # Administrators see no child's record, so not even the name.
        child=None if current_user.role is Role.ADMINISTRATOR else child,
        events=events,
    )


