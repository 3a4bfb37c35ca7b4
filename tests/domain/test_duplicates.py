"""Whether two records may be one child: names as different agencies type them."""

from datetime import date

import pytest

from yoi_welfare.domain.duplicates import (
    birth_dates,
    may_be_one_child,
    normalise_pnc,
    similar_names,
)

# (given, family) as first recorded, (given, family) as recorded again.
SAME_CHILD = [
    (("Kai", "Khan"), ("kai", "KHAN")),  # the issue's own example: capitals
    (("Mohammed", "Ali"), ("Muhammad", "Ali")),  # transliteration
    (("Mohammed", "Ali"), ("Mohamed", "Aly")),
    (("Siobhan", "O'Neill"), ("Siobhan", "ONeill")),  # apostrophe dropped
    (("Siobhan", "O'Neill"), ("Siobhan", "O Neill")),  # or typed as a space
    (("Jade", "Smith-Jones"), ("Jade", "Smith")),  # double-barrelled, one half recorded
    (("Jade", "Smith-Jones"), ("Jade", "Jones")),
    (("Kyle", "Fitzgerald"), ("Kyle", "Fitz-Gerald")),
    (("Kai", "Khan"), ("Khan", "Kai")),  # given and family names swapped
    (("Catherine", "Taylor"), ("Katherine", "Taylor")),  # spelled differently, sounds the same
    (("Stephen", "Clarke"), ("Steven", "Clark")),
    (("Jon", "Davies"), ("John", "Davis")),
    (("Aaliyah", "Begum"), ("Aliyah", "Begum")),
    (("Tyler", "McDonald"), ("Tayler", "MacDonald")),
    (("Leigh", "Thompson"), ("Lee", "Thomson")),
    (("Jayden", "Wright"), ("Jaden", "Wright")),
    (("Connor", "Reilly"), ("Conor", "O'Reilly")),
    (("Sarah", "Khan"), ("Sara", "Khan")),
    (("Zoë", "Brown"), ("Zoe", "Brown")),  # accent
    (("Mohammed", "Khan"), ("Mohammed", "Khna")),  # a typing slip
]

DIFFERENT_CHILDREN = [
    (("Kai", "Khan"), ("Kai", "Brown")),
    (("Jack", "Smith"), ("John", "Smith")),
    (("Emma", "Wilson"), ("Emily", "Wilson")),
    (("Liam", "Patel"), ("Leah", "Patel")),
    (("Ryan", "Evans"), ("Ryan", "Edwards")),
    (("Jake", "Hughes"), ("Jade", "Hughes")),
    (("Sam", "Lee"), ("Tom", "Lee")),
    (("Sam", "Child1"), ("Sam", "Child2")),  # a number in a name is a code
    # A short form of a name is not caught: that would need a list of short forms.
    (("Oluwaseun", "Adeyemi"), ("Seun", "Adeyemi")),
]


@pytest.mark.parametrize(("first", "again"), SAME_CHILD)
def test_names_of_one_child_as_typed_by_different_agencies_match(first, again):
    assert similar_names(*first, *again)
    assert similar_names(*again, *first)


@pytest.mark.parametrize(("first", "other"), DIFFERENT_CHILDREN)
def test_different_names_do_not_match(first, other):
    assert not similar_names(*first, *other)


def test_a_date_of_birth_with_day_and_month_swapped_is_looked_at_too():
    assert birth_dates(date(2011, 9, 5)) == {date(2011, 9, 5), date(2011, 5, 9)}
    assert birth_dates(date(2011, 9, 25)) == {date(2011, 9, 25)}  # no 25th month


def test_the_same_pnc_number_matches_whatever_the_names_and_dates():
    assert normalise_pnc("24/123456x") == normalise_pnc("2024/0123456X") == "2024/123456X"
    assert may_be_one_child(
        ("Kai", "Khan", date(2011, 9, 25), "2024/0123456X"),
        ("Jamie", "Smith", date(2010, 1, 1), "24/123456x"),
    )
    assert not may_be_one_child(
        ("Kai", "Khan", date(2011, 9, 25), "2024/0123456X"),
        ("Jamie", "Smith", date(2010, 1, 1), "2024/0123457X"),
    )


def test_a_similar_name_needs_the_same_date_of_birth():
    kai = ("Kai", "Khan", date(2011, 9, 25), None)
    assert may_be_one_child(kai, ("kai", "KHAN", date(2011, 9, 25), None))
    assert may_be_one_child(
        ("Kai", "Khan", date(2011, 9, 5), None), ("Kai", "Khan", date(2011, 5, 9), None)
    )
    assert not may_be_one_child(kai, ("Kai", "Khan", date(2011, 9, 26), None))
