"""The declared purpose checked against each UTR's regulation: "poate / nu poate fi utilizat în
scopul declarat" (Legea nr. 50/1991, art. 6 alin. (1); Ordinul nr. 839/2009, anexa 1, formularul
F.6). The applicant's free text is recognised as one purpose of a controlled list (purposes.yaml),
each mapped to the RLU's use terms; the verdict per UTR comes from the zone's allowed, conditional
and forbidden uses. A use the RLU does not list is not admitted: the RLU enumerates what may be
built, and anything else needs a new plan (PUZ)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from gis.parcel_facts import ParcelFacts

ADMITTED, CONDITIONAL, FORBIDDEN, NOT_LISTED, UNREGULATED = (
    "admis", "admis cu condiționări", "interzis", "neprevăzut în RLU", "nereglementat")


@dataclass(frozen=True)
class Purpose:
    code: str
    label: str
    uses: frozenset[str]


@dataclass(frozen=True)
class PurposeVerdict:
    """The verdict for one UTR (or for a parcel no plan covers: `utr` empty, UNREGULATED)."""
    cadastral_number: str
    utr: str
    document_code: str
    share_percent: float
    verdict: str
    may_use: bool | None          # None: no UTR to judge by; the officer decides
    matched: tuple[str, ...] = ()     # the RLU terms that decided it
    conditions: tuple[str, ...] = field(default=())  # the conditional uses that apply
    sentence: str = field(init=False)  # as printed (a field, so the facts' JSON carries it)

    def __post_init__(self):
        object.__setattr__(self, "sentence", self._sentence())

    def _sentence(self) -> str:
        share = f"{self.share_percent:.2f}".replace(".", ",")
        where = f"în UTR {self.utr} ({self.document_code}, {share} % din parcela {self.cadastral_number})"
        if self.verdict == ADMITTED:
            return f"{where}: poate fi utilizat în scopul declarat (utilizare admisă: {', '.join(self.matched)})."
        if self.verdict == CONDITIONAL:
            return (f"{where}: poate fi utilizat în scopul declarat cu condiționările RLU "
                    f"({'; '.join(self.conditions)}).")
        if self.verdict == FORBIDDEN:
            return f"{where}: nu poate fi utilizat în scopul declarat (utilizare interzisă: {', '.join(self.matched)})."
        if self.verdict == NOT_LISTED:
            return (f"{where}: nu poate fi utilizat în scopul declarat — utilizarea nu figurează între cele "
                    "admise de RLU al UTR; este posibilă numai prin documentație de urbanism (PUZ) aprobată.")
        return (f"parcela {self.cadastral_number} nu se află într-o UTR: verdictul se stabilește de "
                "arhitectul-șef după regulamentul aplicabil.")


@cache
def catalogue() -> dict[str, Purpose]:
    """code → purpose, in the file's order (the order classify() tries them)."""
    with (Path(__file__).with_name("purposes.yaml")).open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)["purposes"]
    return {code: Purpose(code, row["label"], frozenset(u.casefold() for u in row["uses"]))
            for code, row in data.items()}


@cache
def _keywords() -> dict[str, tuple[str, ...]]:
    with (Path(__file__).with_name("purposes.yaml")).open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)["purposes"]
    return {code: tuple(k.casefold() for k in row["keywords"]) for code, row in data.items()}


def classify(text: str) -> Purpose | None:
    """The purpose of the list the applicant's text names (its code or a keyword); None: none."""
    words = text.casefold()
    if words.strip() in catalogue():
        return catalogue()[words.strip()]
    return next((catalogue()[c] for c, keys in _keywords().items() if any(k in words for k in keys)), None)


def verdicts(purpose: Purpose, parcels: tuple[ParcelFacts, ...]) -> tuple[PurposeVerdict, ...]:
    out = []
    for p in parcels:
        if not p.zones:
            out.append(PurposeVerdict(p.cadastral_number, "", "", 0.0, UNREGULATED, None))
        for z in p.zones:
            def hits(terms: list[str]) -> tuple[str, ...]:
                return tuple(t for t in terms if t.casefold() in purpose.uses)
            allowed, conditional, forbidden = hits(z.allowed_uses), hits(z.conditional_uses), hits(z.forbidden_uses)
            if allowed:
                row = (ADMITTED, True, allowed, ())
            elif conditional:
                row = (CONDITIONAL, True, conditional, conditional)
            elif forbidden:
                row = (FORBIDDEN, False, forbidden, ())
            else:
                row = (NOT_LISTED, False, (), ())
            out.append(PurposeVerdict(p.cadastral_number, z.code, z.document_code, z.share_percent, *row))
    return tuple(out)


def overall(found: tuple[PurposeVerdict, ...]) -> bool | None:
    """True: may be used everywhere; False: not (at least in one UTR); None: the officer decides."""
    if any(v.may_use is False for v in found):
        return False
    if any(v.may_use is None for v in found) or not found:
        return None
    return True
