"""Directory and OpenID accounts (gis/external_accounts.py): two first sign-ins of one person at the same
moment (two tabs, two app servers) make one account, not a unique-constraint error."""

from __future__ import annotations

import threading

from sqlalchemy import text

from gis.external_accounts import Identity, sync


def test_two_first_sign_ins_at_once_make_one_account(settings, engine):
    who = Identity(source="oidc", external_id="https://idp.example sub-4711", username="dublu.start",
                   full_name="Dublu Start", email=None, role="officer", uats=None)
    start, answers, errors = threading.Barrier(4), [], []

    def sign_in() -> None:
        start.wait()
        try:
            answers.append(sync(settings, who))
        except Exception as exc:  # noqa: BLE001 - any error is the failure this test looks for
            errors.append(exc)

    threads = [threading.Thread(target=sign_in) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(answers) == 4
    assert len({answer["id"] for answer in answers}) == 1
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM auth.user WHERE external_id = :e"),
                         {"e": who.external_id}).scalar_one() == 1
