"""Every feature's entries, merged newest first."""

from collections.abc import Callable, Iterable

from yoi_welfare.actions.chronology import action_entries
from yoi_welfare.alerts.chronology import alert_entries
from yoi_welfare.chronology.entry import Entry
from yoi_welfare.custody.chronology import note_entries
from yoi_welfare.people.chronology import placement_entries
from yoi_welfare.people.record import ChildRecord
from yoi_welfare.reviews.chronology import review_entries
from yoi_welfare.screenings.chronology import screening_entries
from yoi_welfare.self_harm.chronology import flag_entries

# A provider gives a child's entries of its kind; given a limit, at least its newest ``limit``
# entries (and may give more), so that a page of the chronology never loads the whole history.
Provider = Callable[[ChildRecord, int | None], Iterable[Entry]]

# kind -> (label for the filter, provider). Order is the order of the filter's options.
KINDS: dict[str, tuple[str, Provider]] = {
    "placement": ("Placements", placement_entries),
    "alert": ("Alerts", alert_entries),
    "action": ("Welfare actions", action_entries),
    "screening": ("Welfare screenings", screening_entries),
    "note": ("Custody welfare notes", note_entries),
    "self_harm": ("Self-harm flags", flag_entries),
    "review": ("Placement reviews", review_entries),
}


def chronology(
    record: ChildRecord, kind: str | None = None, limit: int | None = None
) -> list[Entry]:
    """Entries of one kind, or of every kind, newest first; only the newest ``limit`` if given."""
    kinds = [kind] if kind in KINDS else list(KINDS)
    entries = [entry for k in kinds for entry in KINDS[k][1](record, limit)]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries if limit is None else entries[:limit]


def kind_choices() -> list[tuple[str, str]]:
    return [("", "Everything")] + [(kind, label) for kind, (label, _) in KINDS.items()]
