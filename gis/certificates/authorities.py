"""Who a Romanian certificat de urbanism names: the county's approving bodies (data/authorities_ro.yaml,
41 counties and Bucharest), the road's administrator by the road's class (OG 43/1997 art. 22) and the
signatories' titles by the UAT's kind (Legea 215/2001 → OUG 57/2019: "secretarul general al
comunei/orașului/municipiului/sectorului").

A profile whose rules file has no `authorities` key (Moldova) keeps its flat list of approvals."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from gis.certificates.rules import CertificateError

DATA = Path(__file__).with_name("data")

# the UAT's kind (gis.uats.KINDS) in the genitive, as a title names the authority
KIND_GENITIVE = {"comună": "comunei", "oraș": "orașului", "municipiu": "municipiului", "sector": "sectorului"}

# a road's class read from its protection zone's name ("... drumului județean DJ 767")
_ROAD_CLASS = re.compile(r"\b(DN|DJ|DC)\s*\d")


class UnknownCounty(CertificateError):
    """A UAT whose county is not in the table: its bodies cannot be named."""


@dataclass(frozen=True)
class Approval:
    key: str
    group: str      # F.6 section 5 lit. d): d.1 … d.4
    text: str


@cache
def _table(name: str) -> dict:
    with (DATA / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def counties(name: str = "authorities_ro.yaml") -> list[str]:
    return list(_table(name)["counties"])


def county_bodies(county: str, name: str = "authorities_ro.yaml") -> dict[str, str]:
    """The county's bodies by key (isu, apm, dsp, aba, sga, ocpi, djc, drdp, county)."""
    county = _known(county, name)
    row = _table(name)["counties"][county]
    if county == "București":  # the capital's deconcentrated services carry the city's name
        bodies = {"apm": "APM București", "dsp": "DSP a Municipiului București", "sga": "SGA Ilfov-București",
                  "ocpi": "OCPI București", "djc": "Direcția pentru Cultură a Municipiului București"}
    else:
        bodies = {"apm": f"APM {county}", "dsp": f"DSP {county}", "sga": f"SGA {county}",
                  "ocpi": f"OCPI {county}", "djc": f"Direcția Județeană pentru Cultură {county}"}
    return {**bodies, "isu": row["isu"], "aba": row["aba"], "drdp": row["drdp"], "county": county}


def _plain(value: str) -> str:
    """Without diacritics (ş/ș, ţ/ț, ă, â, î), case or the words "județul"/"municipiul"."""
    import unicodedata

    value = unicodedata.normalize("NFKD", value.casefold())
    value = "".join(c for c in value if not unicodedata.combining(c))
    return " ".join(w for w in value.replace("-", " ").split() if w not in ("judetul", "municipiul"))


def _known(county: str, name: str) -> str:
    """The table's spelling of a county as stored in territory.uat.county ("Bistrita-Nasaud" too)."""
    wanted = _plain(county or "")
    found = next((c for c in _table(name)["counties"] if _plain(c) == wanted), None)
    if found is None:
        raise UnknownCounty(f"județul {county!r} nu este în tabelul autorităților ({name})")
    return found


def road_class(restriction_name: str) -> str:
    """DN, DJ or DC from the protection zone's name; anything else is a street (local council)."""
    found = _ROAD_CLASS.search(restriction_name)
    return found.group(1) if found else "street"


def road_authority(restriction_name: str, county: str, uat_genitive: str,
                   name: str = "authorities_ro.yaml") -> str:
    template = _table(name)["road_authorities"][road_class(restriction_name)]
    return template.format(**county_bodies(county, name), uat=uat_genitive)


def offered(county: str, uat_genitive: str, restrictions: list[tuple[str, str]],
            name: str = "authorities_ro.yaml") -> list[tuple[Approval, bool]]:
    """Every approval the officer may choose for this UAT, with whether it is chosen by default:
    the usual ones, and one per restriction the parcels touch ((kind, name) pairs)."""
    table = _table(name)
    bodies = county_bodies(county, name)
    out = [(Approval(key, row["group"], row["text"].format(**bodies)), bool(row.get("default")))
           for key, row in table["approvals"].items()]
    seen = set()
    for kind, restriction in restrictions:
        row = table["restriction_approvals"].get(kind)
        if row is None or (kind, restriction) in seen:
            continue
        seen.add((kind, restriction))
        road = road_authority(restriction, county, uat_genitive, name) if kind == "road_protection" else ""
        text = row["text"].format(**bodies, road_authority=road)
        if all(text != a.text for a, _ in out):
            out.append((Approval(f"{kind}:{restriction}", row["group"], text), True))
    return out


def default_approvals(county: str, uat_genitive: str, restrictions: list[tuple[str, str]],
                      name: str = "authorities_ro.yaml") -> tuple[Approval, ...]:
    return tuple(a for a, chosen in offered(county, uat_genitive, restrictions, name) if chosen)


def environment_obligation(county: str, name: str = "authorities_ro.yaml") -> str:
    return " ".join(_table(name)["environment_obligation"].split()).format(**county_bodies(county, name))


def signatory_titles(titles: dict[str, str], uat_kind: str) -> dict[str, str]:
    """The titles of the rules file with {uat_kind} replaced by the UAT's kind in the genitive
    ("SECRETAR GENERAL AL {uat_kind}" → "… AL ORAȘULUI"); a UAT's own literal title stays."""
    kind = KIND_GENITIVE.get(uat_kind, "comunei").upper()
    return {k: v.replace("{uat_kind}", kind) for k, v in titles.items()}
