"""WSGI entry for production servers: `gunicorn api.wsgi:app` (settings from TERITORIU_*)."""

from api import create_app

app = create_app()
