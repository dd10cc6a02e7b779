"""National profiles: what differs between Romania and the Republic of Moldova.

A deployment picks one profile (setting `profile`, env TERITORIU_PROFILE) when it is set up: the
migrations create the geometry columns in the profile's storage CRS, so a database belongs to
one profile for good. Everything that depends on the country (storage CRS and its name,
identifier formats and their validation, the certificates' templates, wording, legal
references and fee rules, the UI languages) is read from here, never hard-coded elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The locale tag of each UI language (pages, dates, numbers, pygeoapi's `languages`).
LOCALES = {"ro": "ro-RO", "en": "en-GB", "hu": "hu-HU", "ru": "ru-RU"}


@dataclass(frozen=True)
class Profile:
    code: str
    country: str
    storage_srid: int
    languages: tuple[str, ...]
    cadastral_number_pattern: str
    # The CRS as people name it on maps and certificates.
    crs_name: str = ""
    # What the territorial codes stored in the `siruta` columns are called in this country.
    unit_code_name: str = "SIRUTA"
    # The word before a UAT's `county` (Județul Bihor, Raionul Fălești).
    county_word: str = "Județul"
    # Spellings accepted on input, tried in order: the first that matches gives the canonical
    # form, its non-empty groups joined by dots (Moldova); none: numbers are taken as written.
    cadastral_spellings: tuple[str, ...] = ()
    cadastral_example: str = ""
    # Certificates: the rules file (fees, approvals, signatories, wording) under
    # gis/certificates/, and a folder of templates that replace the common ones (None: common).
    certificate_config: str = "config.yaml"
    certificate_templates: str | None = None
    # The legal basis of the certificate fees, as printed (details per year in the rules file).
    fee_rule: str = ""
    # CRS84 extent of the country: the map's extent while the database is still empty.
    bbox: tuple[float, float, float, float] = (20.2, 43.6, 29.8, 48.3)
    # The civil time of the country: the days and months the indicators count in (gis/indicators.py).
    time_zone: str = "Europe/Bucharest"
    # Identifier formats (whole-value regular expressions): postal codes, a person's and a
    # company's identifier. Migration 0005 wrote them into the schema's CHECK constraints
    # (tests/test_profiles.py holds the two equal).
    postal_code_pattern: str = r"[0-9]{6}"
    postal_code_example: str = "417495"
    person_id_pattern: str = r"[1-9][0-9]{12}"
    company_id_pattern: str = r"(RO)?[0-9]{2,10}"
    # The certificate kinds this country's city halls issue (their rules: gis/certificates).
    certificate_kinds: tuple[str, ...] = ("urbanism", "nomenclature")
    # The signing certificate's default holder, `{uat}` being the UAT's name (teritoriu signing init).
    signing_name: str = "Primăria {uat}"
    extra: dict = field(default_factory=dict)

    @property
    def locales(self) -> tuple[str, ...]:
        """The locale tags of the profile's languages, in its order (pygeoapi, <html lang>)."""
        return tuple(LOCALES[code] for code in self.languages)

    def valid_postal_code(self, value: str) -> bool:
        return re.fullmatch(self.postal_code_pattern, value or "") is not None

    def normalise_cadastral_number(self, value: str) -> str:
        """The canonical spelling of a cadastral number (unchanged when no spelling applies)."""
        value = (value or "").strip()
        for pattern in self.cadastral_spellings:
            m = re.fullmatch(pattern, value)
            if m:
                return ".".join(g for g in m.groups() if g)
        return value

    def cadastral_number(self, value: str) -> str | None:
        """The rule for cadastral numbers, wherever one comes in (editing, import, certificates):
        the canonical spelling of `value`, or None when it is not a cadastral number of this country."""
        canonical = self.normalise_cadastral_number(value)
        return canonical if re.fullmatch(self.cadastral_number_pattern, canonical) else None

    def valid_cadastral_number(self, value: str) -> bool:
        return self.cadastral_number(value) is not None

    def not_a_cadastral_number(self, value: str) -> str:
        """The message for a number the rule refuses."""
        example = f" (e.g. {self.cadastral_example})" if self.cadastral_example else ""
        return f"the cadastral number {value!r} is not well-formed: not a cadastral number of {self.country}{example}"


# Moldova's cadastral number. What we relied on: the brief of issue 10 (ASP/Cadastru public
# documentation as read by the project: a 10-digit code, sector (4) . block (3) . parcel (3),
# e.g. 0300201123 = 0300.201.123; a building adds .01, an isolated premise (apartment) .01.001)
# and, for the legal frame only, Legea cadastrului bunurilor imobile nr. 1543/1998 and the
# ARFC Instruction on cadastral works for buildings and isolated premises (Order 7/2015), found
# with the project's reference search. That search did not show the digit layout itself; in
# practice numbers are also written with one dot after the first 7 digits (0300201.123), which
# we accept and rewrite. *(check against an ASP extract before a real deployment.)*
_MD_CADASTRAL = r"[0-9]{4}\.[0-9]{3}\.[0-9]{3}(\.[0-9]{2}(\.[0-9]{3})?)?"
_MD_SPELLINGS = (
    # 0300201123, 030020112301, 030020112301001 (no dots)
    r"([0-9]{4})([0-9]{3})([0-9]{3})(?:([0-9]{2})([0-9]{3})?)?",
    # 0300201.123[.01[.001]] (the 7 + 3 spelling)
    r"([0-9]{4})([0-9]{3})\.([0-9]{3})(?:\.([0-9]{2})(?:\.([0-9]{3}))?)?",
    # 0300 201 123, 0300-201-123, 0300.201.123 with stray spaces
    r"([0-9]{4})[ .\-]([0-9]{3})[ .\-]([0-9]{3})(?:[ .\-]([0-9]{2})(?:[ .\-]([0-9]{3}))?)?",
)


PROFILES = {
    # ANCPI cadastral numbers are integers unique in the UAT; older paper numbers may carry
    # a suffix after a slash or dash ("1234/2", "123-C1").
    "RO": Profile(
        "RO", "România", 3844, ("ro", "en", "hu"), r"[0-9]{1,9}([/-][0-9A-Za-z]{1,6})*",
        crs_name="Stereo 70", unit_code_name="SIRUTA", county_word="Județul",
        cadastral_example="50123", certificate_config="config.yaml", certificate_templates=None,
        fee_rule="Codul fiscal art. 474", bbox=(20.2, 43.6, 29.8, 48.3),
        # six-digit postal codes; CNP of a person; CUI of a company (optionally RO…)
        postal_code_pattern=r"[0-9]{6}", postal_code_example="417495",
        person_id_pattern=r"[1-9][0-9]{12}", company_id_pattern=r"(RO)?[0-9]{2,10}"),
    # MOLDREF99 / Moldova TM; CUATM (Clasificatorul unităților administrativ-teritoriale) codes
    # take the place of SIRUTA in the same integer columns.
    "MD": Profile(
        "MD", "Republica Moldova", 4026, ("ro", "ru", "en"), _MD_CADASTRAL,
        crs_name="MOLDREF99 / Moldova TM", unit_code_name="CUATM", county_word="Raionul",
        cadastral_spellings=_MD_SPELLINGS, cadastral_example="0300.201.123",
        certificate_config="config_md.yaml", certificate_templates="md",
        fee_rule="tarif aprobat prin decizia consiliului local (Legea nr. 436/2006, art. 14)",
        bbox=(26.6, 45.4, 30.2, 48.5), time_zone="Europe/Chisinau",
        # MD-dddd postal codes; IDNP of a person (13 digits); IDNO of a company (13 digits, 1…)
        postal_code_pattern=r"MD-[0-9]{4}", postal_code_example="MD-3101",
        person_id_pattern=r"[0-9]{13}", company_id_pattern=r"1[0-9]{12}"),
}


def get_profile(code: str) -> Profile:
    try:
        return PROFILES[code.upper()]
    except KeyError:
        raise ValueError(f"unknown national profile {code!r}; known: {', '.join(PROFILES)}") from None


def profile_for_srid(srid: int) -> Profile | None:
    """The profile whose storage CRS is `srid` (e.g. to name the CRS in a message)."""
    return next((p for p in PROFILES.values() if p.storage_srid == srid), None)
