"""`teritoriu mail work [--once]` sends the queued e-mails (gis.outbox); `teritoriu mail digest`
queues the officers' daily digest of requests near their deadline (gis.deadlines).

The worker is its own process, not part of `teritoriu serve`: a production server runs several
gunicorn workers, and a sender in each would only compete for the same rows; run it beside the
server (a systemd unit, or a second terminal in development). Without TERITORIU_SMTP_URL the
messages stay queued, each attempt recorded."""

from __future__ import annotations

import time

import click

from api.cli.common import settings as _settings


@click.group()
def mail() -> None:
    """E-mail notices: the sending worker and the officers' digest."""


@mail.command("work")
@click.option("--once", is_flag=True, help="Send what is due now and stop (for cron and tests).")
@click.option("--interval", type=click.IntRange(1, 3600), default=15, show_default=True,
              help="Seconds between two looks at the queue.")
def work(once: bool, interval: int) -> None:
    """Send the queued messages, retrying failures with an exponential backoff."""
    from gis.outbox import deliver_due
    from webmap.notices import compose

    settings = _settings()
    if not settings.smtp_url:
        click.echo("Warning: TERITORIU_SMTP_URL is not set; messages stay queued.", err=True)
    while True:
        done = deliver_due(settings, compose)
        if done.sent or done.failed:
            click.echo(f"sent {done.sent}, failed {done.failed} (given up {done.given_up})")
        if once:
            return
        time.sleep(interval)


@mail.command("digest")
def digest() -> None:
    """Queue today's digest for each officer (once a day; a second run the same day queues nothing)."""
    from gis.deadlines import queue_digest

    click.echo(f"{queue_digest(_settings())} digest message(s) queued")
