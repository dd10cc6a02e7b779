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


# -- Restricted data: which staff role reads what ----------------------------------------------
# Personal data (owners, holders and taxpayers with their CNP, tax amounts and debts: DOMAIN.md,
# "Personal data") goes to the roles whose work needs it: officers assess and certify, admins
# answer for the data. Surveyors import geometry and need none; citizens and the public never read
# it. Agencies read what their API key grants (gis/apikeys.py). Every read is logged (gis/audit.py).
PERSONAL_DATA_READERS = ("officer", "admin")
FISCAL_VIEW = "fiscal:parcel"  # a parcel's plots, assessments and taxpayers (/api/office/parcels/<id>/fiscal)

# what → the staff roles that read it: every restricted OGC collection (a layer with
# `access: restricted`, layers/*.yaml; tests/security/test_personal_data_reads.py keeps the two
# lists equal) and the fiscal view. Unlisted: no staff role reads it.
RESTRICTED_READERS: dict[str, tuple[str, ...]] = {
    "parcel_assessments": PERSONAL_DATA_READERS,  # land tax per parcel, with the taxpayer and CNP
    "parcel_records": PERSONAL_DATA_READERS,      # parcels with their holders
    "agri_plots": PERSONAL_DATA_READERS,          # the agricultural register, with the holders
    FISCAL_VIEW: PERSONAL_DATA_READERS,
}


def may_read(role: str | None, what: str) -> bool:
    """Whether a staff `role` reads the restricted collection (or view) `what`."""
    return role in RESTRICTED_READERS.get(what, ())


# -- Certificate requests: which staff role reads them -------------------------------------------
# A request names its applicant (and the PDF prints the name); officers review and issue them,
# admins answer for them. Surveyors have no business with requests. A staff read is further held
# to the account's UATs (api.staff.user_uats); the applicant follows a request with its token.
REQUEST_READERS = ("officer", "admin")


def reads_requests(role: str | None) -> bool:
    return role in REQUEST_READERS


# -- Indicators (/office/indicatori): the service's numbers, no personal data, for those who answer for
# the service; a scoped account sees its own UATs (side by side for a region).
INDICATOR_READERS = ("officer", "admin")
