"""Alembic environment: migrations run as the schema owner, never through create_all."""

from alembic import context
from sqlalchemy import text

from gis.db import get_engine
from gis.settings import get_settings

settings = context.config.attributes.get("settings") or get_settings()

with get_engine(settings, "owner").connect() as connection:
    connection.execute(text("SET lock_timeout = '10s'"))
    context.configure(connection=connection, version_table_schema="public")
    with context.begin_transaction():
        context.run_migrations(settings=settings)
    connection.commit()
