"""Staff sign-in against a real OpenLDAP directory (Debian's slapd) started by this module: an
Active Directory-like tree (users of objectClass `user` with sAMAccountName and
userAccountControl, AD's names and OIDs; groups with the memberOf overlay) served over
StartTLS with a CA made here. The app asks it exactly as it would ask a city hall's domain
controller, with the default AD filters (sAMAccountName, userAccountControl bit 2)."""

from __future__ import annotations

import dataclasses
import datetime
import ipaddress
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from factories import csrf_token, free_port
from sqlalchemy import text

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
BASE = "dc=primaria-exemplu,dc=ro"
ROOT_DN, ROOT_PW = f"cn=admin,{BASE}", "parola-root-ldap"
SERVICE_DN, SERVICE_PW = f"cn=svc-teritoriu,ou=Servicii,{BASE}", "parola-serviciu-1"
OFFICERS, ADMINS = f"cn=GIS-Ofiteri,ou=Grupuri,{BASE}", f"cn=GIS-Administratori,ou=Grupuri,{BASE}"
UAT_GROUP = f"cn=GIS-UAT-Sample,ou=Grupuri,{BASE}"
OTHERS = f"cn=Contabilitate,ou=Grupuri,{BASE}"
PASSWORD = "Parola-Domeniu-2026"
NORMAL, DISABLED = 512, 514  # AD userAccountControl: NORMAL_ACCOUNT, + ACCOUNTDISABLE (bit 2)

if not Path(SLAPD).exists():
    pytest.skip("slapd is not installed (scripts/setup.sh installs Debian's slapd and ldap-utils)",
                allow_module_level=True)


def _test_ca(folder: Path) -> None:
    """A CA and a server certificate for 127.0.0.1 signed by it (ca.pem, server.pem, server.key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA de test Primaria Exemplu")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    server = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
              .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
              .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                          x509.DNSName("localhost")]), critical=False)
              .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
              .sign(ca_key, hashes.SHA256()))
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "server.pem").write_bytes(server.public_bytes(serialization.Encoding.PEM))
    (folder / "server.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                          serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))


# Active Directory's own names and OIDs for what Teritoriu reads (Debian's msuser.schema declares them
# without matching rules, so no filter could find them)
AD_SCHEMA = """\
attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName' EQUALITY caseIgnoreMatch
  SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl' EQUALITY integerMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.2.840.113556.1.5.9 NAME 'user' SUP inetOrgPerson STRUCTURAL
  MAY ( sAMAccountName $ userAccountControl ) )
"""

CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include {d}/ad.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile {d}/slapd.pid
TLSCACertificateFile {d}/ca.pem
TLSCertificateFile {d}/server.pem
TLSCertificateKeyFile {d}/server.key
# a simple bind (a password) only over TLS
security simple_bind=128
database mdb
maxsize 10485760
suffix "{base}"
rootdn "{root}"
rootpw {rootpw}
directory {d}/data
overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint TRUE
access to attrs=userPassword by self =xw by anonymous auth by * none
access to * by dn.exact="{service}" read by self read by * none
"""


def _ldap(url: str, ca: Path, dn: str = ROOT_DN, password: str = ROOT_PW):
    import ssl

    from ldap3 import Connection, Server, Tls

    conn = Connection(Server(url, tls=Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=str(ca))), dn, password)
    conn.open()
    conn.start_tls()
    assert conn.bind(), conn.result
    return conn


def _person(conn, uid: str, name: str, groups: list[str], control: int = NORMAL) -> str:
    dn = f"cn={name},ou=Utilizatori,{BASE}"
    assert conn.add(dn, ["top", "person", "organizationalPerson", "inetOrgPerson", "user"],
                    {"sAMAccountName": uid, "sn": name.split()[-1], "displayName": name,
                     "mail": f"{uid}@primaria-exemplu.ro", "userAccountControl": str(control),
                     "userPassword": PASSWORD}), conn.result
    for group in groups:
        from ldap3 import MODIFY_ADD

        assert conn.modify(group, {"member": [(MODIFY_ADD, [dn])]}), conn.result
    return dn


@pytest.fixture(scope="module")
def directory():
    """slapd on a free port (StartTLS), as an unprivileged user, from a temporary folder; the
    AD-like tree provisioned through it (so that the memberOf overlay records the groups)."""
    folder = Path(tempfile.mkdtemp(prefix="teritoriu-slapd-"))
    (folder / "data").mkdir()
    _test_ca(folder)
    (folder / "ad.schema").write_text(AD_SCHEMA)
    (folder / "slapd.conf").write_text(CONFIG.format(d=folder, base=BASE, root=ROOT_DN, rootpw=ROOT_PW,
                                                     service=SERVICE_DN))
    port = free_port()
    url = f"ldap://localhost:{port}"  # ldap3 matches a certificate's DNS names, not its IP addresses
    as_user = []
    if os.geteuid() == 0:  # never the directory as root: drop to nobody (slapd -u), who owns the folder
        shutil.chown(folder, "nobody", "nogroup")
        for path in folder.rglob("*"):
            shutil.chown(path, "nobody", "nogroup")
        as_user = ["-u", "nobody", "-g", "nogroup"]
    process = subprocess.Popen([SLAPD, "-d", "0", "-f", str(folder / "slapd.conf"), "-h", f"ldap://127.0.0.1:{port}/",
                                *as_user],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(200):  # ready when it accepts a connection
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"slapd stopped: {process.stderr.read().decode()[-2000:]}") from None
            time.sleep(0.05)
    conn = _ldap(url, folder / "ca.pem")
    assert conn.add(BASE, ["dcObject", "organization"], {"o": "Primaria Exemplu", "dc": "primaria-exemplu"})
    for ou in ("Utilizatori", "Grupuri", "Servicii"):
        assert conn.add(f"ou={ou},{BASE}", ["organizationalUnit"]), conn.result
    assert conn.add(SERVICE_DN, ["person"], {"sn": "svc", "userPassword": SERVICE_PW}), conn.result
    for group in (OFFICERS, ADMINS, UAT_GROUP, OTHERS):  # groupOfNames needs a member: the service account
        assert conn.add(group, ["groupOfNames"], {"member": [SERVICE_DN]}), conn.result
    people = {
        "ana.pop": _person(conn, "ana.pop", "Ana Pop", [OFFICERS]),
        "ion.sef": _person(conn, "ion.sef", "Ion Sef", [ADMINS, OFFICERS, UAT_GROUP]),
        "dan.contabil": _person(conn, "dan.contabil", "Dan Contabil", [OTHERS]),
        "eva.plecata": _person(conn, "eva.plecata", "Eva Plecata", [OFFICERS], DISABLED),
        "mihai.mutat": _person(conn, "mihai.mutat", "Mihai Mutat", [OFFICERS]),
    }
    yield {"url": url, "ca": folder / "ca.pem", "conn": conn, "people": people}
    conn.unbind()
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def sample_uat(loaded, engine) -> int:
    with engine.connect() as c:
        siruta = c.execute(text("SELECT siruta FROM territory.uat ORDER BY siruta LIMIT 1")).scalar_one()
    assert siruta > 0
    return siruta


def _ldap_settings(loaded, directory, sample_uat, **more):
    return dataclasses.replace(
        loaded, ldap_url=directory["url"], ldap_start_tls=True, ldap_ca_file=str(directory["ca"]),
        ldap_bind_dn=SERVICE_DN, ldap_bind_password=SERVICE_PW, ldap_user_base=f"ou=Utilizatori,{BASE}",
        ldap_group_roles=((OFFICERS, "officer"), (ADMINS, "admin")),
        ldap_group_uats=((UAT_GROUP, (sample_uat,)),), ldap_revalidate_s=0, **more)


@pytest.fixture(scope="module")
def ldap_app(loaded, directory, sample_uat):
    from api import create_app

    app = create_app(_ldap_settings(loaded, directory, sample_uat))
    app.testing = True
    return app


def _sign_in(client, username: str, password: str = PASSWORD, method: str = "ldap"):
    return client.post("/office/login", data={"csrf": csrf_token(client), "username": username,
                                              "password": password, "method": method})


def _account(engine, username: str):
    with engine.connect() as c:
        return c.execute(text("SELECT id, role, source, external_id, active, ARRAY(SELECT uat_siruta FROM "
                              "auth.user_uat WHERE user_id = u.id ORDER BY 1) AS uats FROM auth.user u "
                              "WHERE username = :u"), {"u": username}).one_or_none()


def test_the_sign_in_page_offers_the_directory(ldap_app):
    page = ldap_app.test_client().get("/office/login").get_data(as_text=True)
    assert 'name="method" value="ldap"' in page and "Cont de domeniu" in page and "Parola" in page
    english = ldap_app.test_client().get("/office/login?lang=en").get_data(as_text=True)
    assert "Domain account (Active Directory / LDAP)" in english and ">Password<" in english


def test_sign_in_with_the_directory_gives_the_groups_role(ldap_app, engine, directory, clear_throttles):
    clear_throttles()
    client = ldap_app.test_client()
    answer = _sign_in(client, "ana.pop")
    assert answer.status_code == 303, answer.get_data(as_text=True)
    assert client.get("/office").status_code == 200
    account = _account(engine, "ana.pop")
    assert (account.role, account.source, account.uats) == ("officer", "ldap", [])
    assert account.external_id == directory["people"]["ana.pop"]
    with engine.connect() as c:
        opened = c.execute(text("SELECT opened_with FROM auth.session WHERE user_id = :i"), {"i": account.id}).scalars()
        logged = c.execute(text("SELECT after->>'opened_with' FROM audit.log WHERE action = 'login' AND actor = "
                                "'ana.pop' ORDER BY id DESC LIMIT 1")).scalar()
    assert list(opened) == ["ldap"] and logged == "ldap"


def test_the_highest_mapped_role_and_the_uat_groups_scope(ldap_app, engine, sample_uat, clear_throttles):
    clear_throttles()
    client = ldap_app.test_client()
    assert _sign_in(client, "ION.SEF").status_code == 303  # AD names are not case-sensitive
    account = _account(engine, "ion.sef")
    assert (account.role, account.uats) == ("admin", [sample_uat])


def test_wrong_password_and_no_group_and_disabled_are_refused(ldap_app, engine, clear_throttles):
    clear_throttles()
    client = ldap_app.test_client()
    wrong = _sign_in(client, "ana.pop", "nu-e-parola")
    assert wrong.status_code == 401 and "greșită" in wrong.get_data(as_text=True)
    nogroup = _sign_in(client, "dan.contabil")
    assert nogroup.status_code == 401 and "niciun grup" in nogroup.get_data(as_text=True)
    disabled = _sign_in(client, "eva.plecata")
    assert disabled.status_code == 401 and "dezactivat" in disabled.get_data(as_text=True)
    empty = _sign_in(client, "ana.pop", "")  # an empty password is an anonymous bind: never a sign-in
    assert empty.status_code in (400, 401)
    assert _account(engine, "dan.contabil") is None and _account(engine, "eva.plecata") is None
    assert client.get("/office").status_code == 303


@pytest.mark.parametrize("name", ["*)(uid=*", "admin)(|(a=*", "*", "ana.pop)(|(sAMAccountName=*",
                                  "*)(sAMAccountName=ana.pop"])
def test_ldap_injection_in_the_user_name_signs_in_nobody(ldap_app, engine, clear_throttles, name):
    clear_throttles()
    client = ldap_app.test_client()
    with engine.connect() as c:
        before = c.execute(text("SELECT count(*) FROM auth.session")).scalar()
    answer = _sign_in(client, name)
    assert answer.status_code == 401
    assert client.get("/office").status_code == 303
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM auth.session")).scalar() == before


def test_the_filter_escapes_what_it_is_given(loaded, directory, sample_uat):
    """Below the form's name check: a filter value with LDAP metacharacters matches itself only."""
    from gis import directory_ldap

    settings = _ldap_settings(loaded, directory, sample_uat)
    assert directory_ldap.authenticate(settings, "ana.pop", PASSWORD).role == "officer"
    service = directory_ldap._service(settings)
    try:
        from ldap3 import SUBTREE
        from ldap3.utils.conv import escape_filter_chars

        star = settings.ldap_user_filter.format(username=escape_filter_chars("*"))
        assert directory_ldap._search(service, settings.ldap_user_base, star, SUBTREE) == []
        everyone = settings.ldap_user_filter.format(username="*")  # what an unescaped value would do
        assert len(directory_ldap._search(service, settings.ldap_user_base, everyone, SUBTREE)) >= 2
    finally:
        service.unbind()


def test_removed_from_the_group_loses_access_at_the_next_check(ldap_app, engine, directory, clear_throttles):
    from ldap3 import MODIFY_DELETE

    clear_throttles()
    client = ldap_app.test_client()
    assert _sign_in(client, "mihai.mutat").status_code == 303
    assert client.get("/office").status_code == 200
    conn = directory["conn"]
    assert conn.modify(OFFICERS, {"member": [(MODIFY_DELETE, [directory["people"]["mihai.mutat"]])]}), conn.result
    answer = client.get("/office")  # ldap_revalidate_s = 0: the directory is asked on this request
    assert answer.status_code == 303 and "/office/login" in answer.headers["Location"]
    account = _account(engine, "mihai.mutat")
    with engine.connect() as c:
        reasons = c.execute(text("SELECT revoked_reason FROM auth.session WHERE user_id = :i"),
                            {"i": account.id}).scalars().all()
    assert reasons == ["directory: no_group"]
    assert _sign_in(client, "mihai.mutat").status_code == 401


def test_disabled_in_the_directory_ends_the_open_session(ldap_app, engine, directory, clear_throttles):
    from ldap3 import MODIFY_REPLACE

    clear_throttles()
    conn = directory["conn"]
    dn = _person(conn, "vlad.suspendat", "Vlad Suspendat", [OFFICERS])
    client = ldap_app.test_client()
    assert _sign_in(client, "vlad.suspendat").status_code == 303
    assert conn.modify(dn, {"userAccountControl": [(MODIFY_REPLACE, [str(DISABLED)])]}), conn.result
    assert client.get("/office").status_code == 303


def test_deactivated_here_stays_out_whatever_the_directory_says(ldap_app, loaded, clear_throttles):
    from gis.accounts import set_active

    clear_throttles()
    client = ldap_app.test_client()
    assert _sign_in(client, "ana.pop").status_code == 303
    set_active(loaded, "ana.pop", False, actor="test")
    assert client.get("/office").status_code == 303
    refused = _sign_in(client, "ana.pop")
    assert refused.status_code == 401 and "Teritoriu" in refused.get_data(as_text=True)
    set_active(loaded, "ana.pop", True, actor="test")


def test_a_directory_account_cannot_use_the_local_form(ldap_app, clear_throttles):
    clear_throttles()
    client = ldap_app.test_client()
    assert _sign_in(client, "ion.sef").status_code == 303
    assert _sign_in(ldap_app.test_client(), "ion.sef", method="local").status_code == 401


def test_directory_down_is_a_clear_503(loaded, directory, sample_uat, clear_throttles, caplog):
    from api import create_app

    clear_throttles()
    app = create_app(dataclasses.replace(_ldap_settings(loaded, directory, sample_uat),
                                         ldap_url=f"ldap://127.0.0.1:{free_port()}", ldap_timeout_s=2))
    with caplog.at_level("DEBUG"):
        answer = _sign_in(app.test_client(), "ana.pop")
    assert answer.status_code == 503
    assert "nu răspunde" in answer.get_data(as_text=True) and answer.headers["Retry-After"]
    assert "directory unavailable" in caplog.text and PASSWORD not in caplog.text  # logged, without the password
    client = app.test_client()
    english = client.post("/office/login", headers={"Accept-Language": "en"},
                          data={"csrf": csrf_token(client), "username": "ana.pop", "password": PASSWORD,
                                "method": "ldap"})
    assert english.status_code == 503 and "is not answering" in english.get_data(as_text=True)


def test_a_certificate_from_another_ca_is_refused(loaded, directory, sample_uat, tmp_path, clear_throttles):
    """StartTLS with a CA that did not sign the directory's certificate: the password is never sent."""
    from api import create_app

    clear_throttles()
    _test_ca(tmp_path)
    app = create_app(dataclasses.replace(_ldap_settings(loaded, directory, sample_uat),
                                         ldap_ca_file=str(tmp_path / "ca.pem")))
    assert _sign_in(app.test_client(), "ana.pop").status_code == 503


def test_group_dns_compare_as_the_directory_compares_them(loaded):
    """AD writes DNs in any case and spacing: the mapping matches them all; the highest role wins."""
    from gis.directory_ldap import grants

    settings = dataclasses.replace(loaded, ldap_group_roles=((OFFICERS, "officer"), (ADMINS, "admin"),
                                                             (OTHERS, "citizen")),
                                   ldap_group_uats=((UAT_GROUP, (26564, 26565)),))
    spaced = OFFICERS.upper().replace(",", ", ")
    assert grants(settings, [spaced]) == ("officer", None)
    assert grants(settings, [spaced, ADMINS.lower(), UAT_GROUP]) == ("admin", (26564, 26565))
    assert grants(settings, [OTHERS]) == (None, None)  # a mapping to a role that is not staff: no access
