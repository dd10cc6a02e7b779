"""The officer's choice of the approvals a certificat de urbanism lists (Ordinul 839/2009, anexa 1,
formularul F.6, secțiunea 5 lit. d): "avizele și acordurile stabilite prin certificatul de
urbanism"): chosen by key from what gis.certificates.authorities offers for the UAT's county and the
restrictions the parcels touch; stored on the request (registry.request.chosen_approvals), applied
when the draft and the issued PDF are rendered. No choice stored: the defaults."""

from __future__ import annotations

import dataclasses

from sqlalchemy import text

from gis.certificates import authorities
from gis.certificates.rules import CertificateError, CertificateFacts, StateConflict, config
from gis.db import get_engine, set_actor
from gis.request_states import CLOSED
from gis.settings import Settings

GROUPS = ("d.1", "d.2", "d.3", "d.4")


def _offered(facts: CertificateFacts) -> list[authorities.Approval] | None:
    rules = config(facts.profile or None, facts.uat.settings)["urbanism"]
    if "authorities" not in rules:
        return None
    restrictions = [(r.kind, r.name) for p in facts.parcels for r in p.restrictions]
    return [a for a, _ in authorities.offered(facts.uat.county, facts.uat.name_genitive_in_text, restrictions,
                                              rules["authorities"])]


def offered_keys(facts: CertificateFacts) -> list[str]:
    return [a.key for a in _offered(facts) or []]


def with_chosen_approvals(facts: CertificateFacts, keys: list[str] | None) -> CertificateFacts:
    """The facts with the officer's approvals (in the offered order) in place of the defaults."""
    offered = _offered(facts) if keys is not None and facts.kind == "urbanism" else None
    if offered is None:
        return facts
    chosen = [a for a in offered if a.key in set(keys)]
    return dataclasses.replace(
        facts, approvals=tuple(a.text for a in chosen),
        approval_groups=tuple((g, tuple(a.text for a in chosen if a.group == g)) for g in GROUPS))


def choose_approvals(settings: Settings, request_id: int, keys: list[str], actor: str) -> list[str]:
    """Store the officer's choice for a request not yet issued; a key not offered is refused."""
    from gis.certificates.workflow import _facts_for, get_request

    with get_engine(settings, "app").begin() as conn:
        set_actor(conn, actor)
        info = get_request(conn, request_id)
        if info.status in CLOSED:
            raise StateConflict("avizele se aleg înainte de emitere")
        facts = _facts_for(conn, dataclasses.replace(info, chosen_approvals=None), settings.profile)
        offered = offered_keys(facts)
        if not offered:
            raise CertificateError("certificatul nu are o listă de avize de ales")
        unknown = [k for k in keys if k not in offered]
        if unknown:
            raise CertificateError("aviz necunoscut pentru acest județ: {keys}", keys=", ".join(unknown))
        conn.execute(text("UPDATE registry.request SET chosen_approvals = :k WHERE id = :id"),
                     {"k": list(dict.fromkeys(keys)), "id": request_id})
        return list(dict.fromkeys(keys))


def options(conn, info, profile: str | None) -> list[tuple[authorities.Approval, bool]]:
    """What the desk's form offers for a request: each approval of the county's list with whether
    it is chosen now (the officer's stored choice, else the defaults); empty where there is no list."""
    from gis.certificates.workflow import _facts_for

    if info.kind != "urbanism":
        return []
    facts = _facts_for(conn, dataclasses.replace(info, chosen_approvals=None), profile)
    rules = config(facts.profile or None, facts.uat.settings)["urbanism"]
    if "authorities" not in rules:
        return []
    restrictions = [(r.kind, r.name) for p in facts.parcels for r in p.restrictions]
    pairs = authorities.offered(facts.uat.county, facts.uat.name_genitive_in_text, restrictions,
                                rules["authorities"])
    chosen = set(info.chosen_approvals) if info.chosen_approvals is not None else None
    return [(a, a.key in chosen if chosen is not None else default) for a, default in pairs]
