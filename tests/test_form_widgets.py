"""The select written out in Python renders what GOV.UK Frontend's macro renders."""

import re

import pytest
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from werkzeug.datastructures import MultiDict

from yoi_welfare.forms import GovForm, GovSelectField, Required, optional_int


class Filters(GovForm):
    agency = GovSelectField("Owner <agency>", coerce=optional_int, description="Hint & help")
    status = GovSelectField(
        "Status", choices=[("open", "Open"), ("all", 'All & "sundry"')], default="open"
    )
    area = GovSelectField("Area", validators=[Required("Select the area")], coerce=optional_int)


def tidy(html: str) -> str:
    """The same markup whatever its whitespace between and inside tags."""
    return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+", " ", str(html))).strip()


def both(field, **kwargs) -> tuple[str, str]:
    ours = field.widget(field, **kwargs)
    macro = GovSelect()(field, **kwargs)
    return tidy(ours), tidy(macro)


@pytest.fixture
def form(app):
    with app.test_request_context("/", method="POST"):
        form = Filters(MultiDict({"agency": "2", "status": "all", "area": ""}))
        form.agency.choices = [("", "Any agency"), (1, "YOT <one>"), (2, "HMYOI Two")]
        form.area.choices = [("", "Select area"), (7, "North")]
        form.validate()
        yield form


def test_select_with_hint_and_selected_option_matches_the_macro(form):
    ours, macro = both(form.agency)
    assert ours == macro
    assert '<option value="2" selected>HMYOI Two</option>' in ours
    assert "YOT &lt;one&gt;" in ours


def test_select_with_classes_matches_the_macro(form):
    ours, macro = both(form.status, params={"classes": "govuk-!-width-full"})
    assert ours == macro
    assert 'class="govuk-select govuk-!-width-full"' in ours


def test_select_with_an_error_matches_the_macro(form):
    ours, macro = both(form.area)
    assert ours == macro
    assert "govuk-form-group--error" in ours
    assert 'aria-describedby="area-error"' in ours
    assert "Select the area" in ours


def test_parameters_it_does_not_know_go_through_the_macro(form):
    ours, macro = both(form.status, params={"label": {"isPageHeading": True}})
    assert ours == macro
    assert '<h1 class="govuk-label-wrapper">' in ours


def test_a_hint_in_html_or_an_attribute_not_a_string_goes_through_the_macro(form):
    ours, macro = both(form.agency, params={"hint": {"html": "<b>Bold</b> hint"}})
    assert ours == macro and "<b>Bold</b>" in ours
    ours, macro = both(form.status, **{"data-filter": False})
    assert ours == macro
