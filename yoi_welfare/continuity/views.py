"""An establishment's continuity packs: the list of the latest, and downloading one."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlmodel import select

from yoi_welfare import db
from yoi_welfare.access import Permission, deny, permission_required, user_agency
from yoi_welfare.continuity import services
from yoi_welfare.continuity.models import ContinuityPack
from yoi_welfare.dates import utcnow
from yoi_welfare.view_helpers import file_download

bp = Blueprint("continuity", __name__)


@bp.get("/continuity-packs")
@permission_required(Permission.DOWNLOAD_CONTINUITY_PACK)
def index():
    establishment = user_agency()
    return render_template(
        "continuity/index.html",
        establishment=establishment,
        packs=services.dao_packs(establishment.id),
        keep=services.KEEP,
    )


@bp.get("/continuity-packs/<int:pack_id>/download")
@permission_required(Permission.DOWNLOAD_CONTINUITY_PACK)
def download(pack_id: int):
    pack = db.session().exec(select(ContinuityPack).where(ContinuityPack.id == pack_id)).first()
    if pack is None or not services.may_download(current_user, pack):
        deny(object_type="continuity_pack", object_id=pack_id)
    establishment = user_agency()
    services.record_download(pack, establishment, current_user, utcnow())
    return file_download(
        pack.pdf, "application/pdf", services.filename(establishment, pack.produced_at)
    )
