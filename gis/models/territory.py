from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import Boolean, ForeignKey, Integer, SmallInteger, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gis.models.base import STORAGE_SRID, Base


class Uat(Base):
    """Unitate administrativ-teritorială: a commune, town or municipality."""

    __tablename__ = "uat"
    __table_args__ = {"schema": "territory"}

    siruta: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    county: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(Text, nullable=False, server_default="comună")
    settings: Mapped[dict] = mapped_column(JSONB, nullable=False, server_default="{}")
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=STORAGE_SRID, spatial_index=False),
                         nullable=False)


class Locality(Base):
    """A village or town of the UAT; `geom` is its intravilan."""

    __tablename__ = "locality"
    __table_args__ = {"schema": "territory"}

    siruta: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    uat_siruta: Mapped[int] = mapped_column(ForeignKey("territory.uat.siruta"), nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    rank: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    is_seat: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    postal_code: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=STORAGE_SRID, spatial_index=False))
