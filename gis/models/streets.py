from __future__ import annotations

from datetime import date

from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, Date, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from gis.models.base import STORAGE_SRID, Base, Versioned


class Street(Versioned, Base):
    """A street of the nomenclatura stradală, named by a council decision (HCL)."""

    __tablename__ = "street"
    __table_args__ = {"schema": "streets"}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    uat_siruta: Mapped[int] = mapped_column(ForeignKey("territory.uat.siruta"), nullable=False)
    locality_siruta: Mapped[int] = mapped_column(ForeignKey("territory.locality.siruta"), nullable=False)
    code: Mapped[str] = mapped_column(Text, nullable=False)
    street_type: Mapped[str] = mapped_column(Text, nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    hcl_number: Mapped[str | None] = mapped_column(Text)
    hcl_date: Mapped[date | None] = mapped_column(Date)
    geom = mapped_column(Geometry("MULTILINESTRING", srid=STORAGE_SRID, spatial_index=False))


class StreetName(Base):
    """A former name of a street and the HCL that changed it."""

    __tablename__ = "street_name"
    __table_args__ = {"schema": "streets"}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.street.id"), nullable=False)
    street_type: Mapped[str] = mapped_column(Text, nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date, nullable=False)
    hcl_number: Mapped[str | None] = mapped_column(Text)
    hcl_date: Mapped[date | None] = mapped_column(Date)


class AddressPoint(Versioned, Base):
    __tablename__ = "address_point"
    __table_args__ = {"schema": "streets"}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    uat_siruta: Mapped[int] = mapped_column(ForeignKey("territory.uat.siruta"), nullable=False)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.street.id"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    suffix: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    block: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    entrance: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    postal_code: Mapped[str | None] = mapped_column(Text)
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("cadastre.parcel.id"))
    geom = mapped_column(Geometry("POINT", srid=STORAGE_SRID, spatial_index=False), nullable=False)

    @property
    def house_number(self) -> str:
        return f"{self.number}{self.suffix}"
