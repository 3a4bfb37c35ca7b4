"""Plain-English names for audit events, for the pages that show the trail."""

from yoi_welfare.accounts.models import Role

ACTION_LABELS = {
    "sign_in": "Signed in",
    "sign_in_failed": "Failed to sign in",
    "sign_in_locked_out": "Refused sign-in: too many attempts",
    "sign_out": "Signed out",
    "session_expired": "Session timed out",
    "mfa_enrolled": "Set up two-factor authentication",
    "mfa_code_failed": "Entered a wrong security code",
    # Labels of events, not passwords.
    "password_changed": "Changed their password",  # nosec B105
    "password_change_failed": "Entered a wrong current password",  # nosec B105
    "access_denied": "Refused access to a record",
    "permission_denied": "Refused a page their role does not allow",
    "child_viewed": "Viewed the child's record",
    "alerts_viewed": "Viewed the child's alerts",
    "alert_raised": "Raised an alert",
    "alert_ended": "Ended an alert",
    "child_registered": "Registered the child",
    "child_admitted": "Admitted the child",
    "child_transferred": "Transferred the child",
    "child_released": "Released the child",
    "access_log_viewed": "Viewed who has seen the record",
    "user_activity_viewed": "Viewed a user's activity",
    "area_created": "Created an area",
    "agency_created": "Created an agency",
    "user_created": "Created a user",
    "user_changed": "Changed a user",
    "user_deactivated": "Deactivated a user",
    "user_reactivated": "Reactivated a user",
    "user_two_factor_reset": "Reset a user's two-factor authentication",
    "sharing_agreement_recorded": "Recorded an information-sharing agreement",
    "sharing_agreement_changed": "Changed an information-sharing agreement",
    "child_record_printed": "Printed the child's record",
    "subject_access_requested": "Asked for a subject access export",
    "subject_access_produced": "Produced a subject access export",
    "subject_access_downloaded": "Downloaded a subject access export",
    "retention_review_listed": "Listed the records for retention review",
    "retention_records_kept": "Kept the records at retention review",
    "child_records_erased": "Deleted the child's records at the end of retention",
    "approval_requested": "Asked a manager to approve a decision",
    "approval_viewed": "Viewed a request for approval",
    "approval_approved": "Approved a decision",
    "approval_returned": "Returned a decision with a reason",
    "approval_withdrawn": "Withdrew a request for approval",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action) or action.replace("_", " ").capitalize()


def role_label(role: str | None) -> str:
    if not role:
        return ""
    try:
        return Role(role).label
    except ValueError:
        return role
