"""Staff and citizen accounts, their UAT scope, and agencies' API keys (the tables of migration 0001)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from gis.models.base import Base
from gis.roles import ROLES  # noqa: F401  (the account roles: gis/roles.py)


class User(Base):
    __tablename__ = "user"
    __table_args__ = {"schema": "auth"}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    username: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    full_name: Mapped[str] = mapped_column(Text, nullable=False)
    email: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text, nullable=False)
    password_hash: Mapped[str] = mapped_column(Text, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="true")
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 server_default=func.now())
    # where the account comes from (migration 0018): 'local', or 'ldap' / 'oidc' (no usable password here)
    source: Mapped[str] = mapped_column(Text, nullable=False, server_default="local")
    external_id: Mapped[str | None] = mapped_column(Text)
    directory_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserUat(Base):
    __tablename__ = "user_uat"
    __table_args__ = {"schema": "auth"}

    user_id: Mapped[int] = mapped_column(ForeignKey("auth.user.id"), primary_key=True)
    uat_siruta: Mapped[int] = mapped_column(Integer, primary_key=True)  # territory.uat (FK in the schema)


class ApiKey(Base):
    __tablename__ = "api_key"
    __table_args__ = {"schema": "auth"}

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    agency: Mapped[str] = mapped_column(Text, nullable=False)
    prefix: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    key_hash: Mapped[str] = mapped_column(Text, nullable=False)
    collections: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                 server_default=func.now())
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

