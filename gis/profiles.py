"""National profiles: what differs between Romania and the Republic of Moldova.

A deployment picks one profile (setting `profile`); everything that depends on the country
(storage CRS, identifier formats, UI languages) is read from here, never hard-coded elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    code: str
    country: str
    storage_srid: int
    languages: tuple[str, ...]
    cadastral_number_pattern: str

    def valid_cadastral_number(self, value: str) -> bool:
        return re.fullmatch(self.cadastral_number_pattern, value or "") is not None


PROFILES = {
    # ANCPI cadastral numbers are integers unique in the UAT; older paper numbers may carry
    # a suffix after a slash or dash ("1234/2", "123-C1").
    "RO": Profile("RO", "România", 3844, ("ro", "en", "hu"), r"[0-9]{1,9}([/-][0-9A-Za-z]{1,6})*"),
    # Moldova: dotted groups, e.g. 0300.201.123 (check the exact rule with ASP).
    "MD": Profile("MD", "Republica Moldova", 4026, ("ro", "ru", "en"), r"[0-9]{4}\.[0-9]{3}\.[0-9]{3,4}"),
}


def get_profile(code: str) -> Profile:
    try:
        return PROFILES[code.upper()]
    except KeyError:
        raise ValueError(f"unknown national profile {code!r}; known: {', '.join(PROFILES)}") from None
