"""Roles: who may do what. The one list; the API's guards, the CLI's choices and the tests read it.

An anonymous visitor is `public` (no account). Accounts (auth.user.role) are citizens, who file
requests, or staff: surveyors import, officers edit the cadastre, review imports and issue
certificates, admins do all of it. The database's CHECK on `auth.user.role` (migration 0001, kept
as it was) holds the same names; tests/test_vocabularies.py fails when the two differ.
"""

from __future__ import annotations

PUBLIC = "public"                                   # anonymous: no account
ROLES = ("citizen", "surveyor", "officer", "admin")  # what an account may be
STAFF = ("surveyor", "officer", "admin")             # sign in to /office
UPLOADERS = STAFF                                    # upload a surveyor's file (imports)
EDITORS = ("officer", "admin")                       # edit the cadastre, decide imports, issue certificates


def is_staff(role: str | None) -> bool:
    return role in STAFF


def is_editor(role: str | None) -> bool:
    return role in EDITORS
