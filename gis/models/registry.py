"""Requests, per-year registry numbers and issued documents."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gis.models.base import Base


class RegistryCounter(Base):
    __tablename__ = "counter"
    __table_args__ = {"schema": "registry"}

    uat_siruta: Mapped[int] = mapped_column(ForeignKey("territory.uat.siruta"), primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")


class Request(Base):
    __tablename__ = "request"
    __table_args__ = {"schema": "registry"}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    uat_siruta: Mapped[int] = mapped_column(ForeignKey("territory.uat.siruta"), nullable=False)
    year: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    registry_number: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(Text, nullable=False)
    applicant_name: Mapped[str] = mapped_column(Text, nullable=False)
    applicant_email: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text, nullable=False)
    fee: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    status: Mapped[str] = mapped_column(Text, nullable=False, server_default="received")
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    access_token: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    extends_document_id: Mapped[int | None] = mapped_column(ForeignKey("registry.document.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 server_default=func.now())
    created_by: Mapped[str] = mapped_column(Text, nullable=False)


class RequestParcel(Base):
    __tablename__ = "request_parcel"
    __table_args__ = {"schema": "registry"}

    request_id: Mapped[int] = mapped_column(ForeignKey("registry.request.id"), primary_key=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("cadastre.parcel.id"), primary_key=True)


class IssuedDocument(Base):
    """An issued certificate: its PDF bytes and their SHA-256 never change (trigger-enforced)."""

    __tablename__ = "document"
    __table_args__ = {"schema": "registry"}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("registry.request.id"), nullable=False)
    kind: Mapped[str] = mapped_column(Text, nullable=False)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                server_default=func.now())
    issued_by: Mapped[str] = mapped_column(Text, nullable=False)
    verification_code: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    sha256: Mapped[str] = mapped_column(Text, nullable=False)
    facts: Mapped[dict] = mapped_column(JSONB, nullable=False)
