"""Each vocabulary lives in one module of gis/; the database's CHECK constraints (written by the
migrations, which stay as they were) must hold the same values, or they have drifted apart."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlalchemy import text

from gis import audit, import_states, land_use, payment, request_states, roles, uats


def check_values(conn, table: str, column: str) -> set[str]:
    """The values a CHECK (column IN (...)) constraint of `table` allows."""
    defs = conn.execute(text("""
        SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
        WHERE c.conrelid = CAST(:t AS regclass) AND c.contype = 'c'"""), {"t": table}).scalars().all()
    found = [d for d in defs if re.search(rf"\(\(?{column} = ANY", d)]
    if not found:
        return set()
    assert len(found) == 1, found
    return set(re.findall(r"'([^']*)'::text", found[0]))


@pytest.mark.parametrize(("table", "column", "vocabulary"), [
    ("cadastre.parcel", "use_category", land_use.CODES),
    ("auth.user", "role", roles.ROLES),
    ("registry.request", "status", request_states.STATES),
    ("audit.log", "action", audit.ACTIONS),
    ("territory.uat", "kind", uats.KINDS),
    ("importing.job", "status", import_states.STATES),
    ("registry.request", "paid_channel", payment.CHANNELS),
])
def test_the_database_allows_the_values_of_the_python_vocabulary(conn, table, column, vocabulary):
    assert check_values(conn, table, column) == set(vocabulary)


def test_land_use_names_in_every_language():
    assert land_use.name("CC") == "curți-construcții" and land_use.name("PD", "en") == "forest"
    assert land_use.name("XX") == "XX"
    assert land_use.choices()[0] == land_use.DEFAULT and sorted(land_use.choices()) == sorted(land_use.CODES)


def test_staff_and_editors_are_account_roles():
    assert set(roles.EDITORS) <= set(roles.STAFF) <= set(roles.ROLES) and roles.PUBLIC not in roles.ROLES


def test_every_state_has_its_moves_and_names():
    states = set(request_states.STATES)
    assert set(request_states.TRANSITIONS) == states
    assert all(to <= states for to in request_states.TRANSITIONS.values())
    assert set(request_states.LABELS) == states
    assert request_states.allows("review", "issue") and not request_states.allows("review", "review")
    assert not request_states.allows("received", "issue") and not request_states.allows("draft", "issue")
    assert not request_states.allows("cancelled", "cancel")


def test_the_settings_take_their_tolerances_from_gis_tolerances():
    from gis import tolerances
    from gis.editing import Rules
    from gis.settings import Settings
    from importers.pipeline import Rules as ImportRules

    fields = {f.name: f.default for f in dataclasses.fields(Settings)}
    assert fields["edit_area_tolerance"] == tolerances.AREA_SHARE == Rules().area_tolerance
    assert ImportRules().area_tolerance == tolerances.AREA_SHARE
    assert fields["edit_gap_width_m"] == tolerances.EDIT_GAP_WIDTH_M == Rules().gap_width_m
    assert ImportRules().overlap_m2 == tolerances.OVERLAP_M2


def test_audit_rows_are_written_only_by_gis_audit():
    from gis.settings import PROJECT_ROOT

    writers = [str(p.relative_to(PROJECT_ROOT)) for folder in ("api", "gis", "importers", "layers", "webmap")
               for p in (PROJECT_ROOT / folder).rglob("*.py")
               if "INSERT INTO audit.log" in p.read_text(encoding="utf-8") and "migrations" not in p.parts]
    assert writers == ["gis/audit.py"]


def test_the_certificate_kinds_are_the_registry_s_not_a_list_in_the_schema(conn):
    """Migration 0007 replaced 0001's list of kinds by a check of the name's shape."""
    from gis.certificates.kinds import names

    assert check_values(conn, "registry.request", "kind") == set()
    for name in names():
        assert conn.execute(text("SELECT CAST(:k AS text) ~ '^[a-z][a-z0-9_-]{0,39}$'"), {"k": name}).scalar_one()


def test_the_cli_offers_the_registries_choices():
    from api.cli import main

    def choices(*path: str, option: str) -> list[str]:
        command = main
        for name in path:
            command = command.get_command(None, name)
        return list(next(p for p in command.params if p.name == option).type.choices)

    assert choices("user", "create", option="role") == list(roles.ROLES)
    assert choices("uat", "add", option="kind") == list(uats.KINDS)


def test_every_profile_names_registered_certificate_kinds():
    """The national profiles choose among the registered kinds; they define none."""
    from gis.certificates.kinds import names
    from gis.profiles import PROFILES

    for profile in PROFILES.values():
        assert set(profile.certificate_kinds) <= set(names()), profile.code


def test_every_import_state_has_a_name():
    assert set(import_states.LABELS) == set(import_states.STATES)
