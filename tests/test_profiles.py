"""The national profile is the only source of national facts: what the schema's migrations
wrote, the OGC server's and the pages' locales and the importers' rules all equal the profile's."""

from __future__ import annotations

import importlib.util

import pytest

from gis.profiles import LOCALES, PROFILES, get_profile
from gis.settings import PROJECT_ROOT, Settings
from gis.uats import genitive


def _migration(name: str):
    path = PROJECT_ROOT / "gis" / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"migration_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("code", sorted(PROFILES))
def test_the_identifier_formats_of_migration_0005_are_the_profiles(code):
    """A migration is history and keeps its own copy; this holds the copy to the profile."""
    postal, person, company = _migration("0005_national_formats").FORMATS[code]
    profile = get_profile(code)
    assert (postal, person, company) == (f"^{profile.postal_code_pattern}$", f"^{profile.person_id_pattern}$",
                                         f"^{profile.company_id_pattern}$")


def test_postal_codes_follow_the_profile():
    ro, md = get_profile("RO"), get_profile("MD")
    assert ro.valid_postal_code("417495") and not ro.valid_postal_code("MD-3101")
    assert md.valid_postal_code("MD-3101") and not md.valid_postal_code("417495")


def test_one_locale_table_for_pages_and_ogc(settings):
    from layers.ogc_config import pygeoapi_config
    from webmap import i18n

    assert i18n.LOCALES is LOCALES
    assert get_profile("RO").locales == ("ro-RO", "en-GB", "hu-HU")
    assert get_profile("MD").locales == ("ro-RO", "ru-RU", "en-GB")
    config = pygeoapi_config(settings)
    assert config["server"]["languages"] == list(get_profile(settings.profile).locales)


def test_the_languages_are_the_profiles_not_a_setting():
    assert "languages" not in Settings.__dataclass_fields__ and "extra" not in Settings.__dataclass_fields__


@pytest.mark.parametrize("code,uat,expected", [
    ("RO", "Comuna Valea Verde", "Primăria Comunei Valea Verde"),
    ("RO", "Municipiul Oradea", "Primăria Municipiului Oradea"),
    ("RO", "Orașul Aleșd", "Primăria Orașului Aleșd"),
    ("RO", "Sectorul 3", "Primăria Sectorului 3"),
    ("MD", "Comuna Răzeșeni", "Primăria Comunei Răzeșeni"),
    ("RO", "Valea Verde", "Primăria Valea Verde"),  # no kind word: left as it is
])
def test_the_signing_name_comes_from_the_profile_and_the_uat_in_the_genitive(code, uat, expected):
    assert get_profile(code).signing_name.format(uat=genitive(uat)) == expected
