"""Form building blocks in GOV.UK style: stripped input, date boxes, clear error wording."""

import unicodedata
from datetime import date, datetime, time

from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from markupsafe import Markup, escape
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, StopValidation

from yoi_welfare.input_guard import refused_characters
from yoi_welfare.kept_forms import restored_formdata

YES_NO = [("yes", "Yes"), ("no", "No")]


def strip(value):
    return value.strip() if isinstance(value, str) else value


def ascii_digits(value):
    """Digits typed in any script (Arabic-Indic, full-width …) as the ASCII digits they mean,
    for fields that hold a number: a phone set to Arabic types a security code in its digits."""
    if not isinstance(value, str):
        return value
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in value)


class GovForm(FlaskForm):
    """Base form: every string field is stripped of surrounding whitespace, and no field may
    hold control characters or bidi controls (see ``input_guard``): the field says so."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            if strip not in filters:
                unbound_field.kwargs["filters"] = [strip, *filters]
            return unbound_field.bind(form=form, **options)

        def wrap_formdata(self, form, formdata):
            # A page giving back a form kept at a timeout shows what was typed, unsent.
            restored = restored_formdata() if formdata is _Auto else None
            if restored is not None:
                return restored
            return super().wrap_formdata(form, formdata)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            refused = next(
                filter(
                    None,
                    (refused_characters(v) for v in field.raw_data or () if isinstance(v, str)),
                ),
                None,
            )
            if refused:
                label = field.label.text if field.label else "this field"
                field.errors = [
                    f"{label} must not contain {refused}: type it again rather than pasting it",
                    *(e for e in field.errors if isinstance(e, str)),
                ]
                valid = False
        return valid


class SafeGovDateInput(GovDateInput):
    """GovDateInput that renders when a POST omitted one or more of the three boxes."""

    def map_gov_params(self, field, **kwargs):
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = (list(field.raw_data) + ["", "", ""])[:3]
        return super().map_gov_params(field, **kwargs)


class GovDateField(DateField):
    """Day, month and year boxes; messages say what to enter."""

    widget = SafeGovDateInput()

    def __init__(self, label=None, validators=None, *, what: str = "a date", **kwargs):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)
        self.what = what

    def process_formdata(self, valuelist):
        if not valuelist or not any(v.strip() for v in valuelist):
            self.data = None
            return
        parts = [v.strip() for v in valuelist] + ["", "", ""]
        day, month, year = parts[:3]
        if not (day and month and year):
            self.data = None
            raise ValueError(f"{self.what.capitalize()} must include a day, month and year")
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError as error:
            self.data = None
            raise ValueError(f"{self.what.capitalize()} must be a real date") from error
        if not 1900 <= self.data.year <= 2100:
            self.data = None
            raise ValueError(f"{self.what.capitalize()} must be a real date")


class TimeField(StringField):
    """A 24-hour time such as 14:30 (also accepts 2:30pm)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.time_value: time | None = None
        if self.data:
            self.time_value = parse_time(self.data)
            if self.time_value is None:
                raise ValueError("Enter a time such as 14:30")


def parse_time(text: str) -> time | None:
    cleaned = text.strip().lower().replace(".", ":").replace(" ", "")
    for pattern in ("%H:%M", "%I:%M%p", "%I%p", "%H%M"):
        try:
            return datetime.strptime(cleaned, pattern).time()  # noqa: DTZ007 - a bare time
        except ValueError:
            continue
    return None


def optional_int(value):
    """Coerce a posted choice to int; blank is None and rubbish is never a valid choice."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class _AnsweredChoiceMixin:
    """Leave an unanswered choice to InputRequired, so its message is the one shown.

    Choices may be given as (value, label) pairs; they are stored as SelectChoice.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        if isinstance(kwargs.get("choices"), list | tuple):
            kwargs["choices"] = options(kwargs["choices"])
        super().__init__(label, validators, **kwargs)

    @property
    def choices(self):
        return SelectField.choices.fget(self)

    @choices.setter
    def choices(self, value):
        if isinstance(value, list | tuple):
            value = options(value)
        SelectField.choices.fset(self, value)

    def pre_validate(self, form):
        if not self.raw_data or self.raw_data[0] == "":
            return
        super().pre_validate(form)


class FastGovSelect(GovSelect):
    """GOV.UK Frontend's select, written out here rather than through its macros.

    The filters of the busiest lists are selects of a few dozen options; through the macros each
    option cost a macro call, and the three filters of a list cost more than the rest of its
    page. The markup is the macro's (a test compares the two); parameters this does not know
    still go through the macro.
    """

    KNOWN = frozenset(
        {"id", "name", "label", "hint", "errorMessage", "classes", "attributes", "items"}
    )
    TEXT_ONLY = ("hint", "errorMessage")

    def render(self, params):
        label = params.get("label") or {}
        plain = (
            params.keys() <= self.KNOWN
            and label.keys() <= {"text", "classes"}
            and all((params.get(part) or {}).keys() <= {"text"} for part in self.TEXT_ONLY)
            and all(isinstance(value, str) for value in (params.get("attributes") or {}).values())
        )
        if not plain:
            return super().render(params)
        hint, error = params.get("hint"), params.get("errorMessage")
        field_id = params.get("id") or params["name"]
        described_by = []
        parts = [
            '<div class="govuk-form-group',
            " govuk-form-group--error" if error else "",
            '">',
        ]
        if label.get("text"):
            parts += [
                '<label class="govuk-label',
                f" {escape(label['classes'])}" if label.get("classes") else "",
                f'" for="{escape(field_id)}">{escape(label["text"])}</label>',
            ]
        if hint:
            described_by.append(f"{field_id}-hint")
            parts.append(f'<div id="{escape(field_id)}-hint" class="govuk-hint">')
            parts.append(f"{escape(hint['text'])}</div>")
        if error:
            described_by.append(f"{field_id}-error")
            parts.append(f'<p id="{escape(field_id)}-error" class="govuk-error-message">')
            parts.append('<span class="govuk-visually-hidden">Error:</span> ')
            parts.append(f"{escape(error['text'])}</p>")
        parts += [
            '<select class="govuk-select',
            f" {escape(params['classes'])}" if params.get("classes") else "",
            " govuk-select--error" if error else "",
            f'" id="{escape(field_id)}" name="{escape(params["name"])}"',
        ]
        if described_by:
            parts.append(f' aria-describedby="{escape(" ".join(described_by))}"')
        for name, value in (params.get("attributes") or {}).items():
            parts.append(f' {escape(name)}="{escape(value)}"')
        parts.append(">")
        for item in params.get("items") or ():
            value = item.get("value")
            value = str(value).lower() if isinstance(value, bool) else value
            selected = " selected" if item.get("selected") else ""
            parts.append(f'<option value="{escape(value)}"{selected}>')
            parts.append(f"{escape(item['text'])}</option>")
        parts.append("</select></div>")
        return Markup("".join(parts))  # noqa: S704 - every value above is escaped  # nosec B704


class GovSelectField(_AnsweredChoiceMixin, SelectField):
    widget = FastGovSelect()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_choice_message", "Select an option from the list")
        super().__init__(label, validators, **kwargs)


class GovRadioField(_AnsweredChoiceMixin, RadioField):
    widget = GovRadioInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_choice_message", "Select one of the options")
        super().__init__(label, validators, **kwargs)


def error_summary(form) -> dict:
    """Parameters for govukErrorSummary: form-level errors first, then each field's first error."""
    items = [{"text": message} for message in form.form_errors]
    for field in form:
        if field.errors:
            items.append({"text": field.errors[0], "href": f"#{field.id}"})
    return {"titleText": "There is a problem", "errorList": items}


def options(pairs) -> list[SelectChoice]:
    """Choices for a select or radios from (value, label) pairs."""
    return [
        pair if isinstance(pair, SelectChoice) else SelectChoice(value=pair[0], label=pair[1])
        for pair in pairs
    ]


class Required:
    """The field was answered: blank or whitespace-only input is missing, for every kind of field.

    Unlike InputRequired it keeps errors found while reading the input (such as "must be a real
    date"), and it treats a date as answered when any of its three boxes was filled in.
    """

    field_flags = {"required": True}

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        raw = [str(v).strip() for v in (field.raw_data or [])]
        if not any(raw):
            field.errors[:] = []
            raise StopValidation(self.message)
        if field.process_errors:
            raise StopValidation()


# Fields built the same way on many forms.


def sentence(text: str) -> str:
    """Start a message with ``text``: "ACPC grace period", not "Acpc grace period"."""
    return text[:1].upper() + text[1:]


def text_area(
    label: str,
    missing: str | None,
    what: str,
    description: str | None = None,
    *,
    limit: int,
    **kwargs,
) -> TextAreaField:
    """A box of text with a character count. ``missing`` is the message when it is left empty
    (None: it may be); ``what`` starts the message when it is longer than ``limit``."""
    return TextAreaField(
        label,
        widget=GovCharacterCount(),
        render_kw={"params": {"maxlength": limit}},
        description=description,
        validators=[
            Required(missing) if missing else Optional(),
            Length(max=limit, message=f"{what} must be {limit} characters or fewer"),
        ],
        **kwargs,
    )


def date_field(
    label: str, what: str, validators=None, description: str | None = None
) -> GovDateField:
    """Day, month and year boxes, required unless ``validators`` says otherwise."""
    return GovDateField(
        label,
        what=what,
        description=description or "For example, 27 11 2026",
        validators=validators or [Required(f"Enter the {what}")],
    )


def time_field(label: str, validators=None) -> TimeField:
    """A 24-hour time in a short box, required unless ``validators`` says otherwise."""
    return TimeField(
        label,
        widget=GovTextInput(),
        render_kw={"params": {"classes": "govuk-input--width-5"}},
        description="Use the 24-hour clock, for example 14:30",
        validators=validators or [Required(f"Enter the {label.lower()}")],
    )
