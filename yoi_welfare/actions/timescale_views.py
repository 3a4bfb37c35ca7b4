"""Administration of the timescale rules: what each rule makes due, when, and its source."""


from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from yoi_welfare import db
from yoi_welfare.access import Permission, permission_required
from yoi_welfare.actions import queries, rule_changes, services
from yoi_welfare.actions.forms import TimescaleRuleForm
from yoi_welfare.actions.models import TimescaleRule
from yoi_welfare.approvals import services as approvals
from yoi_welfare.approvals.views import decision_page
from yoi_welfare.dates import utcnow
from yoi_welfare.domain.rule_bounds import ACCT_HOURS, YEAR, bounds_for
from yoi_welfare.domain.timescales import Unit
from yoi_welfare.input_guard import whole_number
from yoi_welfare.kept_forms import first_shown
from yoi_welfare.view_helpers import show_error

bp = Blueprint("timescales", __name__, url_prefix="/admin/timescales")


@bp.get("/")
@permission_required(Permission.ADMINISTER)
def index():
    rules = queries.dao_rules()
    pending = rule_changes.dao_pending_changes()
    return render_template(
        "actions/timescales.html",
        rules=rules,
        pending=pending,
        trigger_labels=services.TRIGGER_LABELS,
        longest=YEAR,
        acct_hours=ACCT_HOURS,
        updated_by=queries.dao_user_names(
            ({rule.updated_by_id for rule in rules} | {a.requested_by_id for a in pending}) - {None}
        ),
    )


def _fill(form: TimescaleRuleForm, rule: TimescaleRule) -> None:
    """Show the rule as it is now, at its current version."""
    if form.due_offset is not None:
        form.due_offset.data = rule.due_offset
        form.due_offset.raw_data = None
        form.due_unit.data = rule.due_unit.value
        form.due_unit.raw_data = None
    if form.acpc_grace_offset is not None:
        form.acpc_grace_offset.data = rule.acpc_grace_offset
        form.acpc_grace_offset.raw_data = None
        form.acpc_grace_unit.data = rule.acpc_grace_unit.value
        form.acpc_grace_unit.raw_data = None
    form.version_id.data = str(rule.version_id)
    form.version_id.raw_data = None


@bp.route("/<int:rule_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.ADMINISTER)
def edit(rule_id: int):
    rule = queries.dao_rule(rule_id)
    if rule is None:
        abort(404)
    form = TimescaleRuleForm()
    if rule.due_offset is None:
        # The triggering event sets the due time (a case review sets the next): nothing to edit.
        del form.due_offset
        del form.due_unit
    if rule.sets_limit:
        # It makes no action, so nothing of it goes to the ACPC.
        del form.acpc_grace_offset
        del form.acpc_grace_unit
    if first_shown():
        _fill(form, rule)
    if form.validate_on_submit():
        version = form.version_id.data
        grace = form.acpc_grace_offset
        grace_unit = form.acpc_grace_unit
        try:
            with db.unit_of_work():
                asked = rule_changes.change_rule(
                    rule,
                    by=current_user,
                    version_id=whole_number(version),
                    due_offset=form.due_offset.data if form.due_offset else None,
                    due_unit=Unit(form.due_unit.data) if form.due_unit else None,
                    acpc_grace_offset=grace.data if grace else rule.acpc_grace_offset,
                    acpc_grace_unit=Unit(grace_unit.data) if grace_unit else rule.acpc_grace_unit,
                    now=utcnow(),
                )
        except services.StaleRuleError as error:
            _fill(form, db.session().get(TimescaleRule, rule_id))
            form.form_errors.append(error.message)
        except (services.ActionError, approvals.ApprovalError) as error:
            show_error(form, error)
        else:
            if asked is None:
                flash(f"{rule.action_label}: the rule has been changed for new actions", "success")
            else:
                flash(
                    f"{rule.action_label}: a longer rule needs another administrator's approval. "
                    "Until they approve it, the rule stays as it is",
                    "success",
                )
            return redirect(url_for("timescales.index"))
    return render_template(
        "actions/timescale_edit.html",
        form=form,
        rule=rule,
        bounds=bounds_for(rule.key),
        pending=[a for a in rule_changes.dao_pending_changes() if a.subject_id == rule.id],
        trigger_label=services.TRIGGER_LABELS.get(rule.trigger_event, rule.trigger_event),
    )


@bp.route("/changes/<int:change_id>", methods=["GET", "POST"])
@permission_required(Permission.ADMINISTER)
def change(change_id: int):
    """A longer rule asked for by one administrator, for another to approve or return."""
    approval = approvals.dao_approval(change_id)
    if approval is None or approval.kind != rule_changes.KIND:
        abort(404)
    return decision_page(approval, child=None, back=url_for("timescales.index"))
