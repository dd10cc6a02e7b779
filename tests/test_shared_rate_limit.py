"""Issue 24, "several app servers": the public lookup limit (TERITORIU_RATE_LIMIT_PER_S) holds for a
client's requests over every worker of every server, not per worker (gis/rate_limits.py).

Two `teritoriu serve --production` servers of two workers each, behind one trusted proxy (the client
is X-Forwarded-For), on the test database. The count is driven, not the clock: every hit is written
(TERITORIU_RATE_LIMIT_FLUSH_S=0), each server gets fewer requests than a worker's burst (so no bucket
can refuse whatever the clock does), and the shared window (60 s) is far longer than the test.
"""

from __future__ import annotations

import time

import pytest
import requests
from sqlalchemy import text

from gis import throttles

pytestmark = pytest.mark.slow  # two gunicorn servers of their own

RATE, BURST_S, WINDOW_S = 1, 65, 60
BURST = RATE * BURST_S
LIMIT = RATE * WINDOW_S + BURST  # 125 lookups per window over every worker and server
WORKERS = 2 * 2  # two servers of two


@pytest.fixture(scope="module")
def servers(loaded, production_server):
    env = {"TERITORIU_DB_NAME": loaded.db_name, "TERITORIU_TRUSTED_PROXIES": "1",
           "TERITORIU_RATE_LIMIT_PER_S": str(RATE), "TERITORIU_RATE_LIMIT_BURST_S": str(BURST_S),
           "TERITORIU_RATE_LIMIT_WINDOW_S": str(WINDOW_S), "TERITORIU_RATE_LIMIT_FLUSH_S": "0"}
    return production_server(env, workers=WORKERS // 2), production_server(env, workers=WORKERS // 2)


@pytest.fixture(scope="module")
def number(engine) -> str:
    with engine.connect() as c:
        return c.execute(text("SELECT cadastral_number FROM public_api.parcel ORDER BY 1 LIMIT 1")).scalar_one()


@pytest.fixture(autouse=True)
def no_counts(clear_throttles):
    clear_throttles("rate:")
    yield
    clear_throttles("rate:")


def lookup(base: str, number: str, client: str, **params) -> requests.Response:
    return requests.get(f"{base}/api/parcels/{number}", params=params, headers={"X-Forwarded-For": client},
                        timeout=30)


def test_a_client_alternating_between_the_servers_is_refused_once_its_total_passes_the_limit(servers, number,
                                                                                             engine):
    a, b = servers
    started = time.monotonic()
    codes, per_server = [], {a: 0, b: 0}
    for i in range(LIMIT + 1):
        base = (a, b)[i % 2]
        per_server[base] += 1
        codes.append(lookup(base, number, "10.91.0.1").status_code)
    assert time.monotonic() - started < WINDOW_S, "the shared window ended during the test: counts restarted"
    assert codes[:LIMIT] == [200] * LIMIT, codes
    assert codes[LIMIT] == 429, "refused at the limit's first request beyond, over both servers"
    # each server alone saw about half: under the limit, and under one worker's burst, so no bucket refused
    assert per_server == {a: (LIMIT + 1) // 2, b: (LIMIT + 1) // 2}
    assert max(per_server.values()) <= BURST < LIMIT
    # the other server refuses it too, in the request's language, with Retry-After and the API's error shape
    refused = lookup(a, number, "10.91.0.1", lang="en")
    assert refused.status_code == 429
    assert refused.json() == {"status": 429, "code": "limits.requests", "error": "Too Many Requests",
                              "message": "Too many requests; retry in a few seconds."}
    assert 1 <= int(refused.headers["Retry-After"]) <= WINDOW_S
    romanian = lookup(b, number, "10.91.0.1")
    assert romanian.status_code == 429 and romanian.json()["message"].startswith("Prea multe cereri")
    more = [lookup((a, b)[i % 2], number, "10.91.0.1").status_code for i in range(8)]
    assert more == [429] * 8
    # every admitted lookup counted once; after that each of the 4 workers writes once at most (its own first
    # refusal), then refuses from memory until the window ends
    assert LIMIT + 2 <= throttles.peek(engine, "rate:lookups", "10.91.0.1").hits <= LIMIT + WORKERS


def test_another_client_is_not_affected(servers, number):
    a, b = servers
    codes = [lookup((a, b)[i % 2], number, "10.91.0.2").status_code for i in range(LIMIT + 1)]
    assert codes[-1] == 429
    assert [lookup(base, number, "10.91.0.3").status_code for base in (a, b)] == [200, 200]
    assert lookup(a, number, "10.91.0.2").status_code == 429
