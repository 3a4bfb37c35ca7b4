"""Input treated once, at the edge of the service, before any view sees it.

Hostile or pasted input must give a clear message or "Page not found", never a server error:
- ids in URLs are whole numbers within the database's integer range (a larger one is a 404);
- query strings and form fields may not hold control characters (a NUL, which PostgreSQL
  cannot store; a vertical tab pasted from a word processor) or the invisible characters that
  reorder text (bidi controls: "gnp.exe" with a right-to-left override shows as "exe.png").

Tabs and line breaks are allowed in form fields, where a text area sends them.
"""

import re

from flask import Flask, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

# PostgreSQL's integer: the largest id any table can hold.
LARGEST_ID = 2**31 - 1

CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# Bidi embeddings, overrides, isolates and marks (Unicode UAX #9).
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
REFUSED = re.compile(f"[{CONTROL}{BIDI}]")
REFUSED_IN_ADDRESS = re.compile(f"[\t\n\r{CONTROL}{BIDI}]")


class IdConverter(IntegerConverter):
    """``<int:…>`` in a route: ASCII digits only, and no larger than a database id can be."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's own name
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def whole_number(raw: str | None) -> int | None:
    """A posted id or version as a number, if it is one a database column can hold: ASCII
    digits only ("²" is a digit to Python but no number), no larger than the largest id."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        return None
    number = int(raw)
    return number if number <= LARGEST_ID else None


def refused_characters(value: str) -> str | None:
    """What kind of character a typed value may not hold, if it holds one."""
    match = REFUSED.search(value)
    if match is None:
        return None
    if re.match(f"[{CONTROL}]", match.group()):
        return "control characters"
    return "hidden characters that change the direction of text"


class UnusableAddress(BadRequest):
    name = "There is a problem with this address"
    description = (
        "The address of the page you asked for contains characters the service cannot use, "
        "such as control characters. Go back and try again, or start again from the home page."
    )


def treat_query() -> None:
    """Refuse a query string with control or bidi characters in any name or value, and drop
    empty values: ``?status=`` is a filter left blank, the same as no filter."""
    pairs = list(request.args.items(multi=True))
    for name, value in pairs:
        if REFUSED_IN_ADDRESS.search(name) or REFUSED_IN_ADDRESS.search(value):
            raise UnusableAddress()
    if any(not value.strip() for _name, value in pairs):
        request.args = ImmutableMultiDict([(n, v) for n, v in pairs if v.strip()])


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    app.before_request(treat_query)
