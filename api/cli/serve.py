"""`teritoriu serve`: the web map, the staff workspace, /api and /ogc."""

from __future__ import annotations

import click


@click.command()
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
@click.option("--debug", is_flag=True)
@click.option("--production", is_flag=True, help="gunicorn: a worker per core, threads, recycled workers")
@click.option("--workers", type=int, default=None, help="with --production: worker processes (default: cores)")
@click.option("--threads", type=int, default=4, help="with --production: threads per worker")
def serve(host: str | None, port: int | None, debug: bool, production: bool, workers: int | None,
          threads: int) -> None:
    """Serve the web map, the staff workspace, /api and /ogc."""
    from gis.settings import load_settings

    settings = load_settings(host=host, port=port)
    if production:
        from api.production import ProductionServer, gunicorn_options

        options = gunicorn_options(settings, workers, threads)
        click.echo(f"Teritoriu (production: {options['workers']} workers × {threads} threads) on "
                   f"{settings.base_url}/")
        ProductionServer(settings, options).run()
        return
    from api import create_app

    app = create_app(settings)
    click.echo(f"Teritoriu on {settings.base_url}/  (OGC API: {settings.base_url}/ogc)")
    app.run(host=settings.host, port=settings.port, debug=debug, use_reloader=False, threaded=True)
