"""What is recorded about self-harm flags: the flags, their case reviews, the people and
agencies who recorded them, their requests for approval and the actions they made."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.access import Viewer
from yoi_welfare.accounts.models import User
from yoi_welfare.accounts.services import dao_manager_emails
from yoi_welfare.actions import queries as action_queries
from yoi_welfare.actions.models import WelfareAction
from yoi_welfare.agencies.models import Agency, AgencyKind
from yoi_welfare.approvals import services as approvals
from yoi_welfare.approvals.models import Approval
from yoi_welfare.people.models import Placement, YoungPerson
from yoi_welfare.people.placements import is_current
from yoi_welfare.self_harm.models import CaseReview, FlagState, SelfHarmFlag
from yoi_welfare.self_harm.rules import arrived_unreviewed


@db.prepared
def _flags() -> sa.Select:
    return (
        select(SelfHarmFlag)
        .where(SelfHarmFlag.young_person_id == sa.bindparam("child_id"))
        .order_by(SelfHarmFlag.opened_at.desc(), SelfHarmFlag.id.desc())
    )


def dao_flags(child_id: int) -> list[SelfHarmFlag]:
    """Every flag of the child, newest first."""
    return list(db.session().exec(_flags(), params={"child_id": child_id}).all())


def childs_yot(child: YoungPerson) -> sa.ColumnElement[bool]:
    return sa.and_(Agency.kind == AgencyKind.YOT, Agency.area_id == child.home_area_id)


def yot_managers(child: YoungPerson) -> list[str]:
    """Who is emailed at the child's YOT about a flag: its active managers."""
    return dao_manager_emails(childs_yot(child))


def dao_open_flag(child_id: int) -> SelfHarmFlag | None:
    return (
        db.session()
        .exec(
            select(SelfHarmFlag).where(
                SelfHarmFlag.young_person_id == child_id, SelfHarmFlag.state == FlagState.OPEN
            )
        )
        .first()
    )


def dao_flag(flag_id: int) -> SelfHarmFlag | None:
    return db.session().get(SelfHarmFlag, flag_id)


@dataclass(frozen=True)
class ReviewRow:
    review: CaseReview
    recorded_by: str
    establishment: str


def dao_case_reviews(flag_id: int) -> list[ReviewRow]:
    """The flag's case reviews, in the order they were held."""
    rows = db.session().exec(
        select(CaseReview, User.name, Agency.name)
        .join(User, User.id == CaseReview.recorded_by_id)
        .join(Agency, Agency.id == CaseReview.establishment_id)
        .where(CaseReview.flag_id == flag_id)
        .order_by(CaseReview.held_at, CaseReview.id)
    )
    return [ReviewRow(*row) for row in rows]


def dao_case_reviews_of_child(child_id: int) -> list[tuple[CaseReview, str]]:
    """Every case review of the child's flags, in the order held, with where it was held."""
    return list(
        db.session()
        .exec(
            select(CaseReview, Agency.name)
            .join(SelfHarmFlag, SelfHarmFlag.id == CaseReview.flag_id)
            .join(Agency, Agency.id == CaseReview.establishment_id)
            .where(SelfHarmFlag.young_person_id == child_id)
            .order_by(CaseReview.held_at, CaseReview.id)
        )
        .all()
    )


@dataclass(frozen=True)
class OpenFlagRow:
    """An open flag, its child, and where the child is held now (None if not in custody)."""

    flag: SelfHarmFlag
    child: YoungPerson
    holding_establishment_id: int | None

    @property
    def arrived_unreviewed(self) -> bool:
        return arrived_unreviewed(self.flag, self.holding_establishment_id)


def dao_open_flags(viewer: Viewer, establishment_id: int | None = None):
    """Open flags of the children the viewer may see, next review soonest first.

    With ``establishment_id``, only those of children that establishment holds now.
    """
    statement = (
        select(SelfHarmFlag, YoungPerson, Placement.establishment_id)
        .join(YoungPerson, YoungPerson.id == SelfHarmFlag.young_person_id)
        .outerjoin(Placement, is_current(YoungPerson.id))
        .where(viewer.visible, SelfHarmFlag.state == FlagState.OPEN)
        .order_by(SelfHarmFlag.next_review_due, SelfHarmFlag.id)
    )
    if establishment_id is not None:
        statement = statement.where(Placement.establishment_id == establishment_id)
    return [OpenFlagRow(*row) for row in db.session().exec(statement, params=viewer.params)]


def user_ids(flag: SelfHarmFlag) -> set[int]:
    """Everyone who recorded a step of the flag."""
    return {
        flag.opened_by_id,
        flag.immediate_action_plan_by_id,
        flag.assessment_interview_by_id,
        flag.closed_by_id,
        flag.post_closure_review_by_id,
    } - {None}


def dao_user_names(flag: SelfHarmFlag) -> dict[int, str]:
    return action_queries.dao_user_names(user_ids(flag))


def dao_agency_names(ids: set[int]) -> dict[int, str]:
    rows = db.session().exec(select(Agency.id, Agency.name).where(Agency.id.in_(ids)))
    return dict(rows.all())


def dao_flag_approvals(flag: SelfHarmFlag) -> list[Approval]:
    """Every request for approval of the flag's case reviews, oldest first."""
    review_ids = [row.review.id for row in dao_case_reviews(flag.id)]
    return approvals.dao_for_subjects(CaseReview.__tablename__, review_ids)


def pending_approval(flag: SelfHarmFlag) -> Approval | None:
    return next((a for a in dao_flag_approvals(flag) if a.is_pending), None)


def flag_actions(flag: SelfHarmFlag) -> list[WelfareAction]:
    """The actions this flag, its reviews and their requests for approval made, in the order
    they were made."""
    review_ids = select(CaseReview.id).where(CaseReview.flag_id == flag.id)
    approval_ids = select(Approval.id).where(
        Approval.subject_type == CaseReview.__tablename__, Approval.subject_id.in_(review_ids)
    )
    return list(
        db.session()
        .exec(
            select(WelfareAction)
            .where(
                sa.or_(
                    sa.and_(
                        WelfareAction.source_type == "self_harm_flag",
                        WelfareAction.source_id == flag.id,
                    ),
                    sa.and_(
                        WelfareAction.source_type == "self_harm_case_review",
                        WelfareAction.source_id.in_(review_ids),
                    ),
                    sa.and_(
                        WelfareAction.source_type == Approval.__tablename__,
                        WelfareAction.source_id.in_(approval_ids),
                    ),
                )
            )
            .order_by(WelfareAction.id)
        )
        .all()
    )
