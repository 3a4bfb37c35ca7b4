from flask import Flask

from yoi_welfare import db
from yoi_welfare.accounts.models import User
from yoi_welfare.extensions import login_manager


def init_app(app: Flask) -> None:
    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        # The session carries the user id and the session version; bumping the version on the
        # server ends every session of that user at once.
        user_id, _, version = session_id.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db.session().get(User, int(user_id))
        if user is None or not user.active or user.session_version != int(version):
            return None
        return user
