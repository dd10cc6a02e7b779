from __future__ import annotations

from decimal import Decimal

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    Computed,
    DateTime,
    Double,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from gis.models.base import STORAGE_SRID, Base, Versioned


class Parcel(Versioned, Base):
    """An immovable (imobil) of the cadastre, identified by its cadastral number in the UAT."""

    __tablename__ = "parcel"
    __table_args__ = {"schema": "cadastre"}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    uat_siruta: Mapped[int] = mapped_column(ForeignKey("territory.uat.siruta"), nullable=False)
    locality_siruta: Mapped[int | None] = mapped_column(ForeignKey("territory.locality.siruta"))
    cadastral_number: Mapped[str] = mapped_column(Text, nullable=False)
    land_book_number: Mapped[str | None] = mapped_column(Text)
    eterra_id: Mapped[str | None] = mapped_column(Text)
    legal_area: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    use_category: Mapped[str] = mapped_column(Text, nullable=False)
    intravilan: Mapped[bool] = mapped_column(Boolean, nullable=False)
    tarla: Mapped[str | None] = mapped_column(Text)
    parcel_no: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=STORAGE_SRID, spatial_index=False),
                         nullable=False)
    measured_area: Mapped[float] = mapped_column(Double, Computed("ST_Area(geom)", persisted=True))


class Building(Versioned, Base):
    __tablename__ = "building"
    __table_args__ = {"schema": "cadastre"}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    uat_siruta: Mapped[int] = mapped_column(ForeignKey("territory.uat.siruta"), nullable=False)
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("cadastre.parcel.id"))
    building_no: Mapped[int | None] = mapped_column(Integer)
    destination: Mapped[str | None] = mapped_column(Text)  # CL, CA, CIE, CAS
    levels: Mapped[int | None] = mapped_column(SmallInteger)
    is_legal: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="true")
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=STORAGE_SRID, spatial_index=False),
                         nullable=False)
    footprint_area: Mapped[float] = mapped_column(Double, Computed("ST_Area(geom)", persisted=True))


class ParcelLineage(Base):
    """A split or merge: the retired parcel (parent) and a parcel it became (child)."""

    __tablename__ = "parcel_lineage"
    __table_args__ = {"schema": "cadastre"}

    parent_id: Mapped[int] = mapped_column(ForeignKey("cadastre.parcel.id"), primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("cadastre.parcel.id"), primary_key=True)
    operation: Mapped[str] = mapped_column(Text, nullable=False)  # split | merge
    at = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    actor: Mapped[str] = mapped_column(Text, nullable=False)
