"""The public rate limit shared by every worker (gis/rate_limits.py): hits written in batches at most
once per flush interval per client, "refused until the window ends" remembered, a client asking now
and then written once per batch, the overshoot bound of the docstring, and a database that fails
(down, or the table out of reach) falling back to each worker's own bucket without failing a request.
The clock of the limiter is driven by the test (the database's window is an hour, longer than any
test); the servers over HTTP run on the real clock. The two-server case: tests/test_shared_rate_limit.py."""

from __future__ import annotations

import dataclasses
import logging
import threading

import pytest
import requests
from factories import free_port
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from gis import throttles
from gis.cluster import LocalCluster
from gis.rate_limits import SharedRate, TokenBucket

SCOPE = "rate:test"
HOUR = 3600


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def shared(engine, clock, clear_throttles):
    """shared(limit, flush_s, batch=1, burst=1000) -> a worker's limiter on the test database's auth.throttle."""
    clear_throttles(SCOPE)

    def make(limit: int, flush_s: float, batch: int = 1, burst: int = 1000) -> SharedRate:
        return SharedRate(TokenBucket(1.0, burst, clock), lambda key, n: throttles.hit(engine, SCOPE, key, HOUR, n),
                          limit=limit, flush_s=flush_s, batch=batch, clock=clock)

    yield make
    clear_throttles(SCOPE)


def written(engine, key: str) -> int:
    return throttles.peek(engine, SCOPE, key).hits


def test_hits_are_written_at_most_once_per_flush_interval_and_a_refusal_is_remembered(shared, engine, clock):
    worker = shared(limit=10, flush_s=1)
    assert [worker.allow("10.93.0.1")[0] for _ in range(5)] == [True] * 5
    assert written(engine, "10.93.0.1") == 1  # the first hit written at once, four waiting
    clock.now += 1
    assert [worker.allow("10.93.0.1")[0] for _ in range(5)] == [True] * 5
    assert written(engine, "10.93.0.1") == 6  # the four and this second's first, in one write
    clock.now += 1
    allowed, wait = worker.allow("10.93.0.1")  # adds 5: 11 > 10
    assert not allowed and 0 < wait <= HOUR
    assert written(engine, "10.93.0.1") == 11
    clock.now += 1
    assert worker.allow("10.93.0.1") == (False, pytest.approx(wait - 1, abs=1e-6))  # from memory
    assert written(engine, "10.93.0.1") == 11, "a remembered refusal costs no write"
    assert worker.allow("10.93.0.2") == (True, 0.0), "another client is not refused"
    clock.now += wait  # the remembered refusal ends: the next hit asks the shared count again
    assert worker.allow("10.93.0.1")[0] is False
    assert written(engine, "10.93.0.1") == 12


def test_a_client_asking_now_and_then_is_written_once_per_batch(shared, engine, clock):
    worker = shared(limit=100, flush_s=1, batch=5)
    for hits in range(1, 12):
        assert worker.allow("10.93.0.3") == (True, 0.0)
        assert written(engine, "10.93.0.3") == 5 * (hits // 5), hits  # nothing, then 5, then 10
        clock.now += 3  # a click every few seconds


@pytest.mark.parametrize("workers,per_tick,batch", [(2, 4, 1), (4, 3, 1), (3, 2, 5)])
def test_the_overshoot_is_at_most_a_flush_interval_of_the_clients_traffic_or_a_batch_per_worker(
        shared, engine, clock, workers, per_tick, batch):
    limit = 50
    pool = [shared(limit=limit, flush_s=1, batch=batch) for _ in range(workers)]
    admitted = 0
    for _ in range(100):  # each tick (one flush interval), every worker gets per_tick requests of the client
        answers = [w.allow("10.93.1.1")[0] for w in pool for _ in range(per_tick)]
        admitted += sum(answers)
        if not any(answers):
            break
        clock.now += 1
    else:
        pytest.fail("never refused")
    bound = workers * max(per_tick, batch)
    assert limit - bound <= admitted <= limit + bound, admitted
    assert written(engine, "10.93.1.1") > limit


def test_a_failing_database_leaves_each_worker_its_bucket_logs_once_and_is_tried_again(clock, caplog):
    down = create_engine("postgresql+psycopg://nobody@/teritoriu?host=/nonexistent/run&port=5432")
    attempts = []

    def add(key: str, n: int) -> throttles.Count:
        attempts.append(n)
        return throttles.hit(down, SCOPE, key, HOUR, n)

    worker = SharedRate(TokenBucket(1.0, 5, clock), add, limit=1, flush_s=0, retry_s=30, clock=clock)
    with caplog.at_level(logging.WARNING, logger="gis.rate_limits"):
        assert [worker.allow("10.93.2.1")[0] for _ in range(7)] == [True] * 5 + [False] * 2  # the bucket's burst
        assert attempts == [1], "one attempt, then the bucket alone"
        clock.now += 30
        assert worker.allow("10.93.2.1")[0] is True  # 30 s refilled the bucket
        assert attempts == [1, 1], "tried again after retry_s"
    said = [r for r in caplog.records if r.name == "gis.rate_limits"]
    assert len(said) == 1 and "unavailable" in said[0].getMessage()
    down.dispose()


def _serve(app):
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("primary", ["down", "no privilege"])
def test_public_lookups_are_served_when_the_shared_count_is_out_of_reach(loaded, engine, primary, caplog):
    """The primary down while a standby serves the public reads, or an application role that cannot
    write auth.throttle: the lookups are answered, and each worker's bucket still limits them."""
    from api import create_app

    cluster = LocalCluster(loaded)
    public = cluster.url("teritoriu_public").render_as_string(hide_password=False)
    app_url = {"down": "postgresql+psycopg://teritoriu_app@/teritoriu?host=/nonexistent/run&port=5432",
               "no privilege": public}[primary]
    with engine.connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel ORDER BY 1 LIMIT 1")).scalar_one()
    settings = dataclasses.replace(loaded, database_url=app_url, database_owner_url=app_url,
                                   database_public_url=public, rate_limit_per_s=1, rate_limit_burst_s=5,
                                   rate_limit_flush_s=0)
    server, base = _serve(create_app(settings))
    try:
        with caplog.at_level(logging.WARNING, logger="gis.rate_limits"):
            codes = [requests.get(f"{base}/api/parcels/{number}", timeout=30).status_code for _ in range(40)]
    finally:
        server.shutdown()
    assert codes[:5] == [200] * 5, codes  # the burst, whatever the clock
    assert 429 in codes and set(codes) == {200, 429}, codes  # the bucket still refuses (1/s refill)
    said = [r.getMessage() for r in caplog.records if r.name == "gis.rate_limits"]
    assert len(said) == 1 and "unavailable" in said[0], said
