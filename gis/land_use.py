"""Land-use categories (categorii de folosință, Legea cadastrului nr. 7/1996 and the ANCPI
technical norms): the one list of codes and their names.

The importers validate against it, the certificates print its Romanian names, the pages pass
it to their scripts (the page's configuration), the officer's form offers it. The database's
CHECK on `cadastre.parcel.use_category` (migration 0001, kept as it was) holds the same codes;
tests/test_vocabularies.py fails when the two differ.
"""

from __future__ import annotations

# code → its name in each language of the catalogue; the order is the order shown.
CATEGORIES: dict[str, dict[str, str]] = {
    "A": {"ro": "arabil", "en": "arable", "hu": "szántó", "ru": "пашня"},
    "P": {"ro": "pășune", "en": "pasture", "hu": "legelő", "ru": "пастбище"},
    "F": {"ro": "fâneață", "en": "hayfield", "hu": "kaszáló", "ru": "сенокос"},
    "V": {"ro": "vie", "en": "vineyard", "hu": "szőlő", "ru": "виноградник"},
    "L": {"ro": "livadă", "en": "orchard", "hu": "gyümölcsös", "ru": "сад"},
    "PD": {"ro": "pădure", "en": "forest", "hu": "erdő", "ru": "лес"},
    "CC": {"ro": "curți-construcții", "en": "yards and buildings", "hu": "udvar, beépített terület",
           "ru": "дворы и постройки"},
    "DR": {"ro": "drum", "en": "road", "hu": "út", "ru": "дорога"},
    "CF": {"ro": "cale ferată", "en": "railway", "hu": "vasút", "ru": "железная дорога"},
    "HR": {"ro": "ape curgătoare", "en": "running water", "hu": "folyóvíz", "ru": "водотоки"},
    "HB": {"ro": "ape stătătoare", "en": "standing water", "hu": "állóvíz", "ru": "стоячие воды"},
    "N": {"ro": "neproductiv", "en": "unproductive", "hu": "terméketlen", "ru": "непродуктивные земли"},
}
CODES: frozenset[str] = frozenset(CATEGORIES)
# The category a new parcel drawn by an officer starts with (a built-up plot, the usual case).
DEFAULT = "CC"


def name(code: str, lang: str = "ro") -> str:
    """The category's name in `lang` (Romanian when it has none there); an unknown code as given."""
    names = CATEGORIES.get(code)
    return (names.get(lang) or names["ro"]) if names else code


def names(lang: str = "ro") -> dict[str, str]:
    """code → name in `lang`: what a page passes to its script."""
    return {code: name(code, lang) for code in CATEGORIES}


def choices() -> list[str]:
    """The codes in the order a form offers them: the default first."""
    return [DEFAULT, *(c for c in CATEGORIES if c != DEFAULT)]


# A UTR's functional zone (the letter code of the RLU, "Ghid GM-007-2000") → its INSPIRE HILUCS
# land uses (Planned Land Use, https://inspire.ec.europa.eu/codelist/HILUCSValue; the codes without
# that prefix). A zone allowing several uses lists each. The INSPIRE ZoningElement view reads them
# from planning.hilucs_land_use (filled by migration 0011); tests/test_inspire.py fails when the
# two differ. A function missing here is published as 6_6_NotKnownUse.
HILUCS_BY_FUNCTIONAL_ZONE: dict[str, tuple[str, ...]] = {
    "L": ("5_1_PermanentResidentialUse",),  # locuințe
    "M": ("5_2_ResidentialUseWithOtherCompatibleUses", "3_1_CommercialServices"),  # zonă mixtă
    "C": ("3_1_CommercialServices", "3_3_CommunityServices"),  # zona centrală
    "CB": ("3_1_CommercialServices", "3_3_CommunityServices"),  # zona centrală (cu protecție)
    "IS": ("3_3_CommunityServices",),  # instituții și servicii publice
    "ID": ("2_3_LightEndProductIndustry", "4_2_LogisticalAndStorageServices"),  # industrie și depozitare
    "V": ("3_4_4_OpenAirRecreationalAreas",),  # spații verzi, sport, agrement
    "A": ("1_1_Agriculture",),  # unități agro-zootehnice
    "T": ("4_1_TransportNetworks",),  # transporturi
    "GC": ("4_3_Utilities",),  # gospodărie comunală
}
HILUCS_URI = "http://inspire.ec.europa.eu/codelist/HILUCSValue/"


def hilucs(functional_zone: str) -> list[str]:
    """The HILUCS URIs of a UTR's functional zone."""
    return [HILUCS_URI + code for code in HILUCS_BY_FUNCTIONAL_ZONE.get(functional_zone, ("6_6_NotKnownUse",))]
