"""Column helpers shared by every feature's models."""

import enum

import sqlalchemy as sa
from sqlalchemy.orm import declared_attr
from sqlmodel import SQLModel

# Stable constraint names, so migrations can alter them on SQLite and PostgreSQL alike. Set here,
# before any model is defined.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def enum_column(enum_class: type[enum.Enum], name: str | None = None, **kwargs) -> sa.Enum:
    """Store an enum by name in a VARCHAR with a CHECK constraint: portable and readable in SQL.

    ``name`` names the CHECK constraint; give one when a table has two columns of the same enum.
    """
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.name) for m in enum_class),
        validate_strings=True,
        name=name or enum_class.__name__.lower(),
        **kwargs,
    )


class Versioned:
    """Optimistic locking on a ``version_id`` column: an UPDATE of a row changed since it was
    read raises StaleDataError instead of silently overwriting the newer change.

    The one scheme for a record changed through forms: the form carries the version it was read
    at, ``check_version`` refuses a change made from another, and ``db.save`` turns a change
    that lost a race into the same refusal. (A user's account is the exception: its row also
    changes at every sign-in, so administrators' changes claim ``User.version`` instead.)
    """

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version_id}

    def check_version(self, seen: int | None, stale: type[Exception]) -> None:
        """Refuse (raise ``stale()``) a change made on a form read at another version."""
        if seen != self.version_id:
            raise stale()


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> sa.Index:
    """An index of only the rows matching ``where``, SQL that SQLite and PostgreSQL read alike."""
    return sa.Index(
        name,
        *columns,
        unique=unique,
        sqlite_where=sa.text(where),
        postgresql_where=sa.text(where),
    )
