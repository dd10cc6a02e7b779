"""SQLAlchemy models of the few tables the code handles as objects: accounts, their UAT scope and
agencies' API keys. The schema itself comes from the Alembic migrations; every other table is read
and written with SQL (`sqlalchemy.text`), see README, "Architecture"."""

from gis.models.auth import ApiKey, User, UserUat
from gis.models.base import Base

__all__ = ["ApiKey", "Base", "User", "UserUat"]
