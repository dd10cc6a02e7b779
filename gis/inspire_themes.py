"""Vocabularies of the metadata catalogue: the INSPIRE spatial data themes (GEMET INSPIRE themes
thesaurus, the one INSPIRE metadata must cite), ISO 19115 topic categories and maintenance
frequencies. The layer registry checks its `metadata` blocks against them; the catalogue cites them.
"""

from __future__ import annotations

from dataclasses import dataclass

# The thesaurus as INSPIRE's metadata technical guidelines cite it.
THESAURUS_NAME = "GEMET - INSPIRE themes, version 1.0"
THESAURUS_URL = "http://www.eionet.europa.eu/gemet/inspire_themes"


@dataclass(frozen=True)
class Theme:
    code: str  # the registry's short code: http://inspire.ec.europa.eu/theme/<code>
    label: dict[str, str]  # the thesaurus's label per language
    topic: str  # the ISO 19115 MD_TopicCategoryCode that goes with it

    @property
    def uri(self) -> str:
        return f"http://inspire.ec.europa.eu/theme/{self.code}"


THEMES = {t.code: t for t in (
    Theme("ad", {"en": "Addresses", "ro": "Adrese"}, "location"),
    Theme("au", {"en": "Administrative units", "ro": "Unități administrative"}, "boundaries"),
    Theme("cp", {"en": "Cadastral parcels", "ro": "Parcele cadastrale"}, "planningCadastre"),
    Theme("tn", {"en": "Transport networks", "ro": "Rețele de transport"}, "transportation"),
    Theme("oi", {"en": "Orthoimagery", "ro": "Ortoimagini"}, "imageryBaseMapsEarthCover"),
    Theme("bu", {"en": "Buildings", "ro": "Clădiri"}, "structure"),
    Theme("lu", {"en": "Land use", "ro": "Utilizarea terenului"}, "planningCadastre"),
    Theme("am", {"en": "Area management/restriction/regulation zones and reporting units",
                 "ro": "Zone de administrare/restricție/reglementare și unități de raportare"}, "planningCadastre"),
)}

# ISO 19115 MD_MaintenanceFrequencyCode (the values the registry may declare).
MAINTENANCE_FREQUENCIES = ("continual", "daily", "weekly", "fortnightly", "monthly", "quarterly", "biannually",
                           "annually", "asNeeded", "irregular", "notPlanned", "unknown")

# ISO 639-2/B codes for the metadata documents (INSPIRE asks for them), from the profile's two-letter locales.
ISO639_2 = {"ro": "rum", "en": "eng", "hu": "hun", "ru": "rus", "de": "ger", "fr": "fre"}
