"""Small pieces every feature's views share."""

from flask import request, url_for

from yoi_welfare import db
from yoi_welfare.errors import ServiceError
from yoi_welfare.paging import Page


def page_number() -> int:
    """The ?page= number, 1 when missing or nonsense."""
    raw = request.args.get("page", "1")
    return max(1, int(raw)) if raw.isdigit() and len(raw) < 7 else 1


def show_error(form, error: ServiceError) -> None:
    """Undo the unit of work and show the service's message on its field (or above the form)."""
    db.rollback()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def page_numbers(page: int, pages: int) -> list[int | None]:
    """The page numbers to link to, GOV.UK style: the first, the last, and the current page with
    its neighbours; None where pages are left out (an ellipsis)."""
    shown = sorted({1, pages, *range(max(1, page - 1), min(pages, page + 1) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] == 2:
            numbers.append(number - 1)  # one left-out page is shown rather than an ellipsis
        elif numbers and number - numbers[-1] > 2:
            numbers.append(None)
        numbers.append(number)
    return numbers


def pagination(results: Page, endpoint: str, args: dict | None = None) -> dict | None:
    """govukPagination's parameters for a paged list (None if it has one page), keeping the
    list's filters (``args``) in every link."""
    if results.pages <= 1:
        return None
    args = {key: value for key, value in (args or {}).items() if value not in (None, "")}

    def href(number: int) -> str:
        return url_for(endpoint, page=number, **args)

    page = min(results.page, results.pages)
    previous = min(results.page - 1, results.pages)  # past the end, the last page
    return {
        "previous": {"href": href(previous)} if previous >= 1 else None,
        "next": {"href": href(page + 1)} if page < results.pages else None,
        "items": [
            {"ellipsis": True}
            if number is None
            else {"number": number, "href": href(number), "current": number == results.page}
            for number in page_numbers(page, results.pages)
        ],
    }
