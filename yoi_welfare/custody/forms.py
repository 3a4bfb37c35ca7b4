"""Forms for writing and amending custody welfare notes."""

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSubmitInput
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length

from yoi_welfare.custody.models import NoteCategory
from yoi_welfare.custody.services import MAX_REASON, MAX_TEXT
from yoi_welfare.forms import GovForm, GovRadioField, Required

CATEGORY_CHOICES = [(category.value, category.label) for category in NoteCategory]


class NoteForm(GovForm):
    category = GovRadioField(
        "What is the note about?",
        choices=CATEGORY_CHOICES,
        validators=[Required("Select what the note is about")],
    )
    text = TextAreaField(
        "Note",
        widget=GovCharacterCount(),
        render_kw={"params": {"maxlength": MAX_TEXT}},
        description="The child's YOT reads this as soon as you save it",
        validators=[
            Required("Enter the note"),
            Length(max=MAX_TEXT, message=f"The note must be {MAX_TEXT} characters or fewer"),
        ],
    )
    submit = SubmitField("Save note", widget=GovSubmitInput())


class AmendNoteForm(GovForm):
    category = GovRadioField(
        "What is the note about?",
        choices=CATEGORY_CHOICES,
        validators=[Required("Select what the note is about")],
    )
    text = TextAreaField(
        "The note as it should read",
        widget=GovCharacterCount(),
        render_kw={"params": {"maxlength": MAX_TEXT}},
        validators=[
            Required("Enter the note as it should read"),
            Length(max=MAX_TEXT, message=f"The note must be {MAX_TEXT} characters or fewer"),
        ],
    )
    reason = TextAreaField(
        "Why are you amending the note?",
        widget=GovCharacterCount(),
        render_kw={"params": {"maxlength": MAX_REASON}},
        description="Everyone who reads the note sees the original, your amendment and this reason",
        validators=[
            Required("Enter why the note is being amended"),
            Length(max=MAX_REASON, message=f"The reason must be {MAX_REASON} characters or fewer"),
        ],
    )
    submit = SubmitField("Save amendment", widget=GovSubmitInput())
