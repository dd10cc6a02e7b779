"""Staff sign-in against the city hall's directory (LDAP / Active Directory) with ldap3.

The password is checked by binding as the person (over LDAPS or StartTLS, the directory's
certificate checked against ldap_ca_file or the system's CAs: a password never crosses the wire
in clear); the service account only searches for the person's entry and, later, reads it again.
What the directory says decides everything: the role is the highest one of the person's groups
named in ldap_group_roles, the UATs those of the groups in ldap_group_uats (none: every UAT), and
an entry matching ldap_disabled_filter (AD: userAccountControl bit 2) or in no mapped group is
refused. Names typed in the form are limited to the characters of an account name and escaped
in the filter besides (escape_filter_chars): `*)(uid=*` finds nobody.

Nothing here writes to the database: gis/external_accounts.py turns a Verdict into an account.
"""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass

from gis.roles import STAFF
from gis.settings import Settings

# what an account name typed in the form may hold (sAMAccountName / uid): anything else is refused
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")
ATTRIBUTES = ("displayName", "cn", "mail", "memberOf")


class DirectoryUnavailable(Exception):
    """The directory cannot be asked (down, TLS refused, service account refused, misconfigured)."""


@dataclass(frozen=True)
class Verdict:
    """What the directory says about a person. `refused`: None, or why not ('credentials',
    'disabled', 'no_group', 'gone')."""
    refused: str | None
    dn: str = ""
    username: str = ""
    full_name: str = ""
    email: str | None = None
    role: str | None = None
    uats: tuple[int, ...] | None = None


def enabled(settings: Settings) -> bool:
    return bool(settings.ldap_url)


def normalise_dn(dn: str) -> str:
    """A DN as compared here: attribute names and values lower-cased, no spaces around separators
    (AD and OpenLDAP compare DNs without regard to case)."""
    from ldap3.utils.dn import parse_dn

    try:
        return ",".join(f"{attr.lower()}={value.lower()}" for attr, value, _ in parse_dn(dn, strip=True))
    except Exception:  # noqa: BLE001 - a malformed DN matches nothing
        return dn.strip().lower()


def grants(settings: Settings, groups: list[str]) -> tuple[str | None, tuple[int, ...] | None]:
    """(role, UATs) of someone in `groups`: the highest mapped role (None: no mapped group), the
    UATs of the mapped groups (None: every UAT)."""
    mine = {normalise_dn(g) for g in groups}
    roles = {role for dn, role in settings.ldap_group_roles if normalise_dn(dn) in mine and role in STAFF}
    role = max(roles, key=STAFF.index) if roles else None
    uats = sorted({u for dn, codes in settings.ldap_group_uats if normalise_dn(dn) in mine for u in codes})
    return role, (tuple(uats) or None)


def _server(settings: Settings):
    from ldap3 import NONE, Server, Tls

    if not settings.ldap_url.startswith("ldaps://") and not settings.ldap_start_tls:
        raise DirectoryUnavailable("ldap_url is ldap:// without StartTLS: passwords would cross the network in clear")
    tls = Tls(validate=ssl.CERT_REQUIRED, version=ssl.PROTOCOL_TLS_CLIENT,
              ca_certs_file=settings.ldap_ca_file or None)
    return Server(settings.ldap_url, use_ssl=settings.ldap_url.startswith("ldaps://"), tls=tls, get_info=NONE,
                  connect_timeout=settings.ldap_timeout_s)


def _bind(settings: Settings, dn: str, password: str):
    """A connection bound as `dn` (None: the directory refused the credentials)."""
    from ldap3 import Connection
    from ldap3.core.exceptions import LDAPException

    conn = Connection(_server(settings), user=dn, password=password, read_only=True, raise_exceptions=False,
                      receive_timeout=settings.ldap_timeout_s)
    try:
        conn.open()
        if not settings.ldap_url.startswith("ldaps://") and not conn.start_tls():
            raise DirectoryUnavailable(f"StartTLS refused: {conn.result.get('description')}")
        if conn.bind():
            return conn
    except LDAPException as exc:
        _close(conn)
        raise DirectoryUnavailable(f"{type(exc).__name__}: {exc}") from None
    result = conn.result or {}
    _close(conn)
    if result.get("result") == 49:  # invalidCredentials
        return None
    raise DirectoryUnavailable(f"bind refused: {result.get('description')}")


def _close(conn) -> None:
    """Unbind, whatever state the connection is in (a failed StartTLS leaves no socket)."""
    from ldap3.core.exceptions import LDAPException

    try:
        conn.unbind()
    except LDAPException:
        pass


def _service(settings: Settings):
    conn = _bind(settings, settings.ldap_bind_dn, settings.ldap_bind_password)
    if conn is None:
        raise DirectoryUnavailable("the directory refused the service account (ldap_bind_dn, ldap_bind_password)")
    return conn


def _search(conn, base: str, search_filter: str, scope: str, attributes=ATTRIBUTES) -> list:
    from ldap3.core.exceptions import LDAPException

    try:
        conn.search(base, search_filter, search_scope=scope, attributes=list(attributes), size_limit=2)
    except LDAPException as exc:
        raise DirectoryUnavailable(f"{type(exc).__name__}: {exc}") from None
    if conn.result.get("result") not in (0, 4, 32):  # success, sizeLimitExceeded, noSuchObject
        raise DirectoryUnavailable(f"search refused: {conn.result.get('description')}")
    return [e for e in conn.response or [] if e.get("type") == "searchResEntry"]


def _first(attrs: dict, name: str) -> str:
    value = attrs.get(name)
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "")


def _judge(settings: Settings, service, entry: dict, username: str) -> Verdict:
    """The verdict on a found entry: disabled, in no mapped group, or its role and UATs."""
    from ldap3 import BASE

    dn, attrs = entry["dn"], entry.get("attributes", {})
    if settings.ldap_disabled_filter and _search(service, dn, settings.ldap_disabled_filter, BASE, ("1.1",)):
        return Verdict("disabled", dn)
    role, uats = grants(settings, list(attrs.get("memberOf") or []))
    if role is None:
        return Verdict("no_group", dn)
    return Verdict(None, dn, username.lower(), _first(attrs, "displayName") or _first(attrs, "cn") or username,
                   _first(attrs, "mail") or None, role, uats)


def authenticate(settings: Settings, username: str, password: str) -> Verdict:
    """Check a name and password against the directory. Raises DirectoryUnavailable when it cannot
    be asked; a wrong name, a wrong password and a name that is not a name are all 'credentials'."""
    from ldap3 import SUBTREE
    from ldap3.utils.conv import escape_filter_chars

    # an empty password would be an anonymous bind, which "succeeds": never
    if not USERNAME.match(username) or not password:
        return Verdict("credentials")
    service = _service(settings)
    try:
        found = _search(service, settings.ldap_user_base,
                        settings.ldap_user_filter.format(username=escape_filter_chars(username)), SUBTREE,
                        (*ATTRIBUTES, settings.ldap_username_attribute))
        if len(found) != 1:
            return Verdict("credentials")
        person = _bind(settings, found[0]["dn"], password)
        if person is None:
            return Verdict("credentials")
        _close(person)
        # the directory's spelling of the name when it is one Teritoriu can hold, else the one typed
        name = _first(found[0].get("attributes", {}), settings.ldap_username_attribute)
        name = name if USERNAME.match(name) else username
        return _judge(settings, service, found[0], name)
    finally:
        _close(service)


def recheck(settings: Settings, dn: str, username: str) -> Verdict:
    """What the directory says now about the entry `dn` (an open session's account), asked with the
    service account: 'gone' when the entry no longer exists."""
    from ldap3 import BASE

    service = _service(settings)
    try:
        found = _search(service, dn, "(objectClass=*)", BASE)
        if not found:
            return Verdict("gone", dn)
        return _judge(settings, service, found[0], username)
    finally:
        _close(service)
