"""Declarative base and the column groups shared by several tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# The storage CRS of the national profile in use (see gis.profiles); the migration creates
# the columns with the profile's SRID. Romania: Stereo 70.
STORAGE_SRID = 3844


class Base(DeclarativeBase):
    metadata = MetaData()


class Versioned:
    """Columns of objects that keep their history (filled by the `version_row` trigger)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    valid_from: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    valid_to: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def is_current(self) -> bool:
        return self.valid_to is None
