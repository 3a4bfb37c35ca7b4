"""Administration of the timescale rules: what each rule makes due, when, and its source."""


from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from yoi_welfare import db
from yoi_welfare.access import Permission, permission_required
from yoi_welfare.actions import queries, services
from yoi_welfare.actions.forms import TimescaleRuleForm
from yoi_welfare.actions.models import TimescaleRule
from yoi_welfare.dates import utcnow
from yoi_welfare.domain.timescales import Unit

bp = Blueprint("timescales", __name__, url_prefix="/admin/timescales")


@bp.get("/")
@permission_required(Permission.ADMINISTER)
def index():
    rules = queries.dao_rules()
    return render_template(
        "actions/timescales.html",
        rules=rules,
        trigger_labels=services.TRIGGER_LABELS,
        updated_by=queries.dao_user_names({rule.updated_by_id for rule in rules} - {None}),
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
    if request.method == "GET":
        _fill(form, rule)
    if form.validate_on_submit():
        version = form.version_id.data
        grace = form.acpc_grace_offset
        grace_unit = form.acpc_grace_unit
        try:
            with db.unit_of_work():
                services.update_rule(
                    rule,
                    by=current_user,
                    version_id=int(version) if version and version.isdigit() else None,
                    due_offset=form.due_offset.data if form.due_offset else None,
                    due_unit=Unit(form.due_unit.data) if form.due_unit else None,
                    acpc_grace_offset=grace.data if grace else rule.acpc_grace_offset,
                    acpc_grace_unit=Unit(grace_unit.data) if grace_unit else rule.acpc_grace_unit,
                    now=utcnow(),
                )
        except services.StaleRuleError as error:
            _fill(form, db.session().get(TimescaleRule, rule_id))
            form.form_errors.append(error.message)
        except services.ActionError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(f"{rule.action_label}: the rule has been changed for new actions", "success")
            return redirect(url_for("timescales.index"))
    return render_template(
        "actions/timescale_edit.html",
        form=form,
        rule=rule,
        trigger_label=services.TRIGGER_LABELS.get(rule.trigger_event, rule.trigger_event),
    )
