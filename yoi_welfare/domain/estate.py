"""Who each kind of establishment in the youth secure estate holds.

Each establishment has its own sexes and age range, set by administrators; these are the
defaults given to one by its kind, from the descriptions of the youth secure estate on GOV.UK
("Young people in custody: types of custody", Youth Custody Service) and the Youth Justice
Board's placement guidance:

- Young offender institutions: boys aged 15 to 17 (under-18 YOIs are separate from those for
  18 to 21; no girl under 18 is placed in one).
- Secure training centres: girls and boys aged 12 to 17.
- Secure children's homes: girls and boys aged 10 to 17 (Children Act 1989, section 25: the
  youngest and most vulnerable children in custody are placed there).
- Secure schools: girls and boys aged 12 to 17 (Ministry of Justice, "Secure schools: how to
  apply", 2017; academies under the Secure 16 to 19 Academies Act 2016).

A child outside these is placed only by a recorded placement exception saying why.
"""

from dataclasses import dataclass

from yoi_welfare.domain.placements import MINIMUM_AGE

ADULTHOOD = 18


@dataclass(frozen=True)
class Holds:
    """Whom an establishment holds: boys, girls, and the youngest and oldest age (inclusive)."""

    boys: bool
    girls: bool
    youngest: int
    oldest: int

    def describe(self) -> str:
        """For example "boys aged 15 to 17"."""
        who = (
            "girls and boys" if self.boys and self.girls else "boys" if self.boys else "girls"
        )
        return f"{who} aged {self.youngest} to {self.oldest}"


BOYS_AND_GIRLS_12_TO_17 = Holds(boys=True, girls=True, youngest=12, oldest=ADULTHOOD - 1)
DEFAULT_HOLDS = {
    "YOI": Holds(boys=True, girls=False, youngest=15, oldest=ADULTHOOD - 1),
    "STC": BOYS_AND_GIRLS_12_TO_17,
    "SCH": Holds(boys=True, girls=True, youngest=MINIMUM_AGE, oldest=ADULTHOOD - 1),
    "SECURE_SCHOOL": BOYS_AND_GIRLS_12_TO_17,
}


def outside(holds: Holds, sex: str, age: int) -> list[str]:
    """How a child of this sex ("MALE", "FEMALE" or "NOT_KNOWN") and age falls outside whom
    the establishment holds, in words (empty if they do not). A child whose sex is not known
    fits only an establishment that holds both."""
    reasons = []
    if sex == "MALE" and not holds.boys:
        reasons.append("a boy")
    elif sex == "FEMALE" and not holds.girls:
        reasons.append("a girl")
    elif sex == "NOT_KNOWN" and not (holds.boys and holds.girls):
        reasons.append("of a sex not recorded")
    if not holds.youngest <= age <= holds.oldest:
        reasons.append(f"aged {age}")
    return reasons
