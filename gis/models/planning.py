from __future__ import annotations

from datetime import date
from decimal import Decimal

from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, Date, ForeignKey, Numeric, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gis.models.base import STORAGE_SRID, Base, Versioned


class PlanningDocument(Base):
    """A PUG, PUZ or PUD approved by an HCL."""

    __tablename__ = "document"
    __table_args__ = {"schema": "planning"}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    uat_siruta: Mapped[int] = mapped_column(ForeignKey("territory.uat.siruta"), nullable=False)
    code: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(Text, nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    hcl_number: Mapped[str] = mapped_column(Text, nullable=False)
    hcl_date: Mapped[date] = mapped_column(Date, nullable=False)
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_until: Mapped[date | None] = mapped_column(Date)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=STORAGE_SRID, spatial_index=False))


class Zone(Versioned, Base):
    """A UTR (unitate teritorială de referință) of a planning document with its rules."""

    __tablename__ = "zone"
    __table_args__ = {"schema": "planning"}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    uat_siruta: Mapped[int] = mapped_column(ForeignKey("territory.uat.siruta"), nullable=False)
    document_id: Mapped[int] = mapped_column(ForeignKey("planning.document.id"), nullable=False)
    code: Mapped[str] = mapped_column(Text, nullable=False)
    functional_zone: Mapped[str] = mapped_column(Text, nullable=False)
    name: Mapped[str | None] = mapped_column(Text)
    pot_max: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    cut_max: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    max_height_m: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    height_regime: Mapped[str | None] = mapped_column(Text)
    min_parcel_area: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    min_frontage_m: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    allowed_uses: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    conditional_uses: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    forbidden_uses: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    rules: Mapped[dict] = mapped_column(JSONB, nullable=False, server_default="{}")
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=STORAGE_SRID, spatial_index=False),
                         nullable=False)


class Restriction(Base):
    """An overlay restricting building: protection zone, flood zone, building ban, easement."""

    __tablename__ = "restriction"
    __table_args__ = {"schema": "planning"}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    uat_siruta: Mapped[int] = mapped_column(ForeignKey("territory.uat.siruta"), nullable=False)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("planning.document.id"))
    kind: Mapped[str] = mapped_column(Text, nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    legal_basis: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=STORAGE_SRID, spatial_index=False),
                         nullable=False)
