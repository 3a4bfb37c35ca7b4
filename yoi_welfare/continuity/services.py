"""Producing, keeping and handing out the continuity packs.

Packs are stored in the database, like the weekly reports: every web process and the scheduler
share it (the instance folder is one machine's), it is backed up with the record, and a
download is a row read under the same access policy and audit. Only the latest ``KEEP`` of each
establishment are kept: a pack is for the nights the service may be down, and an old one says
who was held then, which nobody needs on paper.
"""

import hashlib
import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from flask import render_template
from sqlalchemy.orm import defer
from sqlmodel import func, select

from yoi_welfare import db
from yoi_welfare.accounts.models import User
from yoi_welfare.agencies.models import ESTABLISHMENT_KINDS, Agency
from yoi_welfare.audit import services as audit
from yoi_welfare.continuity.data import PackData, gather
from yoi_welfare.continuity.models import ContinuityPack
from yoi_welfare.dates import LONDON, format_datetime
from yoi_welfare.errors import ServiceError
from yoi_welfare.governance.disclosures import Leaving, recipient_of, record_disclosures
from yoi_welfare.governance.models import DisclosureChannel
from yoi_welfare.reports.render import RenderedPdf, render_tagged_pdf

STYLESHEET = Path(__file__).resolve().parent.parent / "templates" / "continuity" / "pack.css"
EVENING = time(18, 0)
KEEP = 7
# Packs are produced one job at a time on PostgreSQL.
PACK_LOCK = 7_100_018


class ContinuityError(ServiceError):
    """A continuity pack that cannot be produced or handed out."""


def render_pack(data: PackData) -> RenderedPdf:
    html = render_template("continuity/pack.html", data=data)
    header = f"{data.establishment.name} · produced {format_datetime(data.produced_at)}"
    return render_tagged_pdf(html, STYLESHEET, header)


def filename(establishment: Agency, produced_at: datetime) -> str:
    local = produced_at.astimezone(LONDON)
    return f"continuity-pack-{establishment.code.lower()}-{local:%Y-%m-%d-%H%M}.pdf"


def evening_of(now: datetime) -> date:
    """The UK date of the latest 18:00 at or before ``now``: the evening a pack is for."""
    local = now.astimezone(LONDON)
    return local.date() if local.time() >= EVENING else local.date() - timedelta(days=1)


def dao_establishments(code: str | None = None) -> list[Agency]:
    """Every establishment, or the one with this code."""
    statement = select(Agency).where(Agency.kind.in_(ESTABLISHMENT_KINDS)).order_by(Agency.code)
    if code is not None:
        statement = statement.where(func.upper(Agency.code) == code.strip().upper())
    establishments = list(db.session().exec(statement).all())
    if code is not None and not establishments:
        raise ContinuityError(
            f"No establishment has the code {code.strip().upper()}", "establishment"
        )
    return establishments


@dataclass(frozen=True)
class Produced:
    establishment: Agency
    pack: ContinuityPack
    created: bool


def produce_evening(now: datetime) -> list[Produced]:
    """Each establishment's pack for this evening, unless it is stored already; older packs
    beyond the latest ``KEEP`` are deleted. Safe to run again, and after downtime: a restart
    the next morning produces the missed evening's packs, as of then."""
    if db.session().get_bind().dialect.name == "postgresql":
        db.session().execute(select(func.pg_advisory_xact_lock(PACK_LOCK)))
    evening = evening_of(now)
    produced = []
    for establishment in dao_establishments():
        existing = (
            db.session()
            .exec(
                select(ContinuityPack)
                .options(defer(ContinuityPack.pdf))
                .where(
                    ContinuityPack.establishment_id == establishment.id,
                    ContinuityPack.evening == evening,
                )
            )
            .first()
        )
        if existing is not None:
            produced.append(Produced(establishment, existing, created=False))
            continue
        data = gather(establishment, now)
        rendered = render_pack(data)
        pack = ContinuityPack(
            establishment_id=establishment.id,
            evening=evening,
            produced_at=now,
            pdf=rendered.pdf,
            sha256=hashlib.sha256(rendered.pdf).hexdigest(),
            page_count=rendered.page_count,
            size_bytes=len(rendered.pdf),
            child_ids=sorted(item.child.id for item in data.children),
        )
        db.session().add(pack)
        db.session().flush()
        audit.record(
            "continuity_pack_produced", user=None, object_type="continuity_pack", object_id=pack.id
        )
        _keep_latest(establishment.id)
        produced.append(Produced(establishment, pack, created=True))
    return produced


def _keep_latest(establishment_id: int) -> None:
    kept = (
        select(ContinuityPack.id)
        .where(ContinuityPack.establishment_id == establishment_id)
        .order_by(ContinuityPack.evening.desc())
        .limit(KEEP)
    )
    db.session().execute(
        ContinuityPack.__table__.delete().where(
            ContinuityPack.establishment_id == establishment_id,
            ContinuityPack.id.not_in(kept.scalar_subquery()),
        )
    )


def write_on_demand(code: str, output: Path, now: datetime) -> tuple[Path, RenderedPdf, int]:
    """Produce the establishment's pack as of now and write it to ``output`` (a directory),
    without storing it: for when the systems are about to go down. Audited, and recorded as a
    disclosure of each child it names. Returns the file, the PDF and how many children."""
    [establishment] = dao_establishments(code)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ContinuityError(
            f"Cannot make the folder {output}: {error.strerror}", "output"
        ) from error
    if not os.access(output, os.W_OK | os.X_OK):
        raise ContinuityError(f"Cannot write to the folder {output}", "output")
    data = gather(establishment, now)
    rendered = render_pack(data)
    path = output / filename(establishment, now)
    try:
        path.write_bytes(rendered.pdf)
    except OSError as error:
        raise ContinuityError(f"Cannot write {path}: {error.strerror}", "output") from error
    audit.record("continuity_pack_written", user=None, detail=establishment.code)
    record_disclosures(
        (
            Leaving(item.child.id, f"{establishment.name} (written to a file)")
            for item in data.children
        ),
        channel=DisclosureChannel.DOWNLOAD,
        purpose=f"Continuity pack for {establishment.name}, written from the command line",
        at=now,
        object_type="continuity_pack",
    )
    return path, rendered, len(data.children)


# Downloads


def may_download(user: User, pack: ContinuityPack) -> bool:
    """Only the staff of the establishment the pack is about."""
    return user.agency_id == pack.establishment_id


def dao_packs(establishment_id: int) -> list[ContinuityPack]:
    """The establishment's stored packs, newest first, without their bytes."""
    return list(
        db.session().exec(
            select(ContinuityPack)
            .options(defer(ContinuityPack.pdf))
            .where(ContinuityPack.establishment_id == establishment_id)
            .order_by(ContinuityPack.evening.desc())
        )
    )


def record_download(pack: ContinuityPack, establishment: Agency, user: User, at) -> None:
    """A copy of the pack leaves with the user: audited, and a disclosure of each child."""
    audit.record(
        "continuity_pack_downloaded", user=user, object_type="continuity_pack", object_id=pack.id
    )
    record_disclosures(
        (Leaving(child_id, recipient_of(user, establishment.name)) for child_id in pack.child_ids),
        channel=DisclosureChannel.DOWNLOAD,
        purpose=f"Continuity pack for {establishment.name}, downloaded",
        at=at,
        by=user,
        object_type="continuity_pack",
        object_id=pack.id,
    )
