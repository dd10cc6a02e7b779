"""Fiscal records and the agricultural register: personal data, staff only."""

from __future__ import annotations

from decimal import Decimal

from geoalchemy2 import Geometry
from sqlalchemy import CHAR, BigInteger, Boolean, ForeignKey, Numeric, SmallInteger, Text
from sqlalchemy.orm import Mapped, mapped_column

from gis.models.base import STORAGE_SRID, Base


class Taxpayer(Base):
    __tablename__ = "taxpayer"
    __table_args__ = {"schema": "fiscal"}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    uat_siruta: Mapped[int] = mapped_column(ForeignKey("territory.uat.siruta"), nullable=False)
    code: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(Text, nullable=False)  # PF person, PJ company
    name: Mapped[str] = mapped_column(Text, nullable=False)
    id_code: Mapped[str] = mapped_column(Text, nullable=False)  # CNP or CUI
    address: Mapped[str | None] = mapped_column(Text)
    tax_account: Mapped[str | None] = mapped_column(Text)  # rol fiscal


class TaxAssessment(Base):
    __tablename__ = "tax_assessment"
    __table_args__ = {"schema": "fiscal"}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    uat_siruta: Mapped[int] = mapped_column(ForeignKey("territory.uat.siruta"), nullable=False)
    year: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    taxpayer_id: Mapped[int] = mapped_column(ForeignKey("fiscal.taxpayer.id"), nullable=False)
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("cadastre.parcel.id"))
    object_kind: Mapped[str] = mapped_column(Text, nullable=False)
    use_category: Mapped[str | None] = mapped_column(Text)
    zone: Mapped[str | None] = mapped_column(CHAR(1))
    intravilan: Mapped[bool | None] = mapped_column(Boolean)
    area: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    paid: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False, server_default="0")


class LandTaxRate(Base):
    __tablename__ = "land_tax_rate"
    __table_args__ = {"schema": "fiscal"}

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(Text, primary_key=True)
    use_category: Mapped[str] = mapped_column(Text, primary_key=True, server_default="")
    zone: Mapped[str] = mapped_column(CHAR(1), primary_key=True)
    rank: Mapped[int] = mapped_column(SmallInteger, primary_key=True, server_default="-1")
    rate_lei_ha: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)


class AgriPlot(Base):
    """A plot of the registrul agricol, as declared by its holder."""

    __tablename__ = "plot"
    __table_args__ = {"schema": "agri"}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    uat_siruta: Mapped[int] = mapped_column(ForeignKey("territory.uat.siruta"), nullable=False)
    code: Mapped[str] = mapped_column(Text, nullable=False)
    year: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("fiscal.taxpayer.id"))
    register_position: Mapped[str | None] = mapped_column(Text)
    tarla: Mapped[str | None] = mapped_column(Text)
    parcel_no: Mapped[str | None] = mapped_column(Text)
    use_category: Mapped[str] = mapped_column(Text, nullable=False)
    declared_area: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    cadastral_number: Mapped[str | None] = mapped_column(Text)
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("cadastre.parcel.id"))
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=STORAGE_SRID, spatial_index=False))
