"""Placement reviews in the chronology: each LAC review and placement review meeting held."""

from collections.abc import Iterator

from yoi_welfare.chronology.entry import Entry
from yoi_welfare.dates import format_datetime
from yoi_welfare.people.record import ChildRecord
from yoi_welfare.reviews.models import PlacementOutcome, PlacementReview
from yoi_welfare.view_helpers import url_for


def describe_outcome(review: PlacementReview) -> str:
    """The outcome in one sentence, with where and why if a transfer was recommended."""
    if review.outcome is PlacementOutcome.TRANSFER_RECOMMENDED:
        return f"Transfer recommended to {review.transfer_to}: {review.transfer_reason}"
    return review.outcome.label


def review_entries(record: ChildRecord, limit: int | None = None) -> Iterator[Entry]:
    # A child has few of these, so all are taken whatever the limit.
    for row in record.reviews:
        review = row.review
        title = f"{review.kind.label} held"
        if review.reason is not None:
            title += f" ({review.reason.label.lower()})"
        after = (
            f" Next review due {format_datetime(review.next_review_due)}."
            if review.next_review_due
            else ""
        )
        yield Entry(
            review.held_at,
            "review",
            title,
            agency=row.establishment,
            author=row.recorded_by,
            detail=f"Outcome: {describe_outcome(review)}.{after}",
            href=url_for("reviews.show", review_id=review.id),
        )
