"""Forms for a welfare screening: one per section (built from questions.py), the level, submit."""

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSubmitInput
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import Length, StopValidation, ValidationError

from yoi_welfare.dates import format_date
from yoi_welfare.domain.wellbeing import RECENT_MONTHS, Level, is_recent
from yoi_welfare.forms import YES_NO, GovDateField, GovForm, GovRadioField, Required, sentence
from yoi_welfare.screenings.models import MAX_TEXT, DiscardReason
from yoi_welfare.screenings.questions import (
    EXPLANATION_LABEL,
    SECTIONS,
    Kind,
    Question,
    Section,
)


class WhenYes:
    """Ask a revealed question only after "yes" to ``parent``; otherwise ignore what was sent.

    The revealed box is always in the page (GOV.UK conditional reveals work without JavaScript),
    so after "no" its stale contents are skipped rather than checked or saved.
    """

    def __init__(self, parent: str, missing: str | None):
        self.parent = parent
        self.required = Required(missing) if missing else None

    def __call__(self, form, field):
        if form[self.parent].data != "yes":
            field.errors[:] = []
            raise StopValidation()
        if self.required is not None:
            self.required(form, field)


def _last_incident_checks(form, field):
    if field.data is None:
        return
    if field.data > form.today:
        raise ValidationError("Date of the last incident must be today or in the past")
    if field.data < form.date_of_birth:
        raise ValidationError(
            "Date of the last incident must be on or after the child's date of birth, "
            f"{format_date(form.date_of_birth)}"
        )


def _text_field(question: Question, validators: list) -> TextAreaField:
    noun = question.noun or question.summary_label
    return TextAreaField(
        question.label,
        widget=GovCharacterCount(),
        description=question.hint,
        validators=[
            *validators,
            Length(
                max=MAX_TEXT,
                message=f"{sentence(noun)} must be {MAX_TEXT} characters or fewer",
            ),
        ],
    )


def _revealed_field(parent: Question, question: Question):
    when_yes = WhenYes(parent.name, question.missing if question.required else None)
    if question.kind is Kind.DATE:
        return GovDateField(
            question.label,
            what=question.label.lower(),
            description=question.hint,
            validators=[when_yes, _last_incident_checks],
        )
    return _text_field(question, [when_yes])


class SectionForm(GovForm):
    """A section's questions. ``version`` is the screening version the form was read at."""

    version = HiddenField()
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def __init__(self, *args, date_of_birth: date, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.date_of_birth = date_of_birth
        self.today = today

    def answers(self, section: Section) -> dict:
        """Column values from the validated form; a revealed answer after "no" is cleared.

        With them, the explanation of answers that drop an earlier "yes", if the section has
        one: whether one is needed is the service's to decide, from what the service holds.
        """
        values = {}
        if section.explanation is not None:
            values[section.explanation] = self[section.explanation].data or None
        for question in section.questions:
            values[question.name] = self._value(question, self[question.name].data)
            for revealed in question.revealed:
                shown = values[question.name] is True
                data = self[revealed.name].data if shown else None
                values[revealed.name] = self._value(revealed, data)
        return values

    @staticmethod
    def _value(question: Question, data):
        if question.kind is Kind.YES_NO:
            return None if data is None else data == "yes"
        if question.kind is Kind.TEXT:
            return data or None
        return data


class SelfHarmForm(SectionForm):
    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        last = self.last_self_harm_on.data if self.self_harm_ever.data == "yes" else None
        if (
            valid
            and last is not None
            and self.self_harm_recent.data == "no"
            and is_recent(last, self.today)
        ):
            self.self_harm_recent.errors.append(
                f"Select yes: the last incident, on {format_date(last)}, was in the last "
                f"{RECENT_MONTHS} months"
            )
            return False
        return valid


def _form_class(section: Section) -> type[SectionForm]:
    fields = {}
    for question in section.questions:
        if question.kind is Kind.YES_NO:
            fields[question.name] = GovRadioField(
                question.label,
                choices=YES_NO,
                description=question.hint,
                validators=[Required(question.missing)],
            )
        else:
            fields[question.name] = _text_field(question, [Required(question.missing)])
        for revealed in question.revealed:
            fields[revealed.name] = _revealed_field(question, revealed)
    if section.explanation is not None:
        fields[section.explanation] = TextAreaField(
            EXPLANATION_LABEL,
            widget=GovCharacterCount(),
            description="Needed only if you answer no where the service already holds a yes. "
            "Say what has changed, or why the earlier answer was wrong",
            validators=[
                Length(
                    max=MAX_TEXT,
                    message=f"The explanation must be {MAX_TEXT} characters or fewer",
                )
            ],
        )
    base = SelfHarmForm if section.slug == "self-harm" else SectionForm
    name = "".join(word.capitalize() for word in section.slug.split("-")) + "Form"
    return type(name, (base,), fields)


SECTION_FORMS: dict[str, type[SectionForm]] = {
    section.slug: _form_class(section) for section in SECTIONS
}


# Unanswered questions the child's record already answers: the form starts from the record.
FROM_CHILD_RECORD = ("looked_after", "child_protection_plan")


def section_form_data(section: Section, screening, child) -> dict:
    """The form's starting values: the saved answers, else what the child's record says."""
    data = {"version": screening.version_id}
    for question in section.all_questions():
        value = getattr(screening, question.name)
        if value is None and question.name in FROM_CHILD_RECORD:
            value = getattr(child, question.name)
        if question.kind is Kind.YES_NO and value is not None:
            value = "yes" if value else "no"
        data[question.name] = value
    if section.explanation is not None:
        data[section.explanation] = getattr(screening, section.explanation)
    return data


class LevelForm(GovForm):
    practitioner_level = GovRadioField(
        "What is your safety and wellbeing level for the child?",
        choices=[(level.value, level.label) for level in Level],
        validators=[Required("Select the safety and wellbeing level")],
    )
    level_reason = TextAreaField(
        "Why is your level different from the indicated level?",
        widget=GovCharacterCount(),
        description="Needed only when your level is different. Say what you know that the "
        "answers do not show",
        validators=[
            Length(max=MAX_TEXT, message=f"Reason must be {MAX_TEXT} characters or fewer"),
        ],
    )
    version = HiddenField()
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def __init__(self, *args, indicated: Level | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicated = indicated

    def validate_level_reason(self, field):
        chosen = self.practitioner_level.data
        if chosen and self.indicated and chosen != self.indicated.value and not field.data:
            raise ValidationError("Enter why your level is different from the indicated level")


class StartScreeningForm(GovForm):
    copy_last = GovRadioField(
        "Do you want to start from the answers of the last screening?",
        choices=[("yes", "Yes, copy its answers"), ("no", "No, start with no answers")],
        description="You can change every copied answer before you submit",
        validators=[Required("Select yes to start from the answers of the last screening")],
    )
    submit = SubmitField("Start the screening", widget=GovSubmitInput())


class SubmitScreeningForm(GovForm):
    version = HiddenField()
    submit = SubmitField("Submit the screening", widget=GovSubmitInput())


class DiscardScreeningForm(GovForm):
    reason = GovRadioField(
        "Why are you discarding the draft?",
        choices=[(reason.value, reason.label) for reason in DiscardReason],
        description="This is kept in the record of who did what",
        validators=[Required("Select why you are discarding the draft")],
    )
    version = HiddenField()
    submit = SubmitField("Discard the draft", widget=GovSubmitInput())
