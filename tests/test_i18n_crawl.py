"""Every page and message in each language: a crawler reads every public page (as anyone and as the citizen
holding a request's link) and every staff page (as each staff role) in ro, en and hu, and triggers the server
messages the pages and the APIs show (sign-in refused, session expired, parcel not found, sign in first,
register discrepancies, editing problems). Each visible text (text nodes, title, aria-label, placeholder,
alt) must come from that language's catalogue (gis/locales), from the data (names, numbers, codes the
database holds) or from a short list of proper names and units; anything else is a text in the wrong
language. The check bites: it catches a Romanian sentence slipped into an English page."""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser
from pathlib import Path

import pytest
from factories import STAFF_PASSWORD, csrf_token, sign_in
from sqlalchemy import text
from test_moldova import md  # noqa: F401 - the Moldovan profile's database (a module fixture)

from api.messages import message
from gis.certificates.kinds import all_kinds
from gis.certificates.workflow import cancel, file_request, issue_request, send_to_review
from gis.land_use import CODES as LAND_USE_CODES
from gis.land_use import names as land_use_names
from gis.texts import catalogue
from styles import load_styles
from webmap.i18n import LANGUAGE_NAMES, t

LANGS = ("ro", "en", "hu")
# proper names, units, formats and codes that are the same in every language
ALLOWED = {"Teritoriu", "SHA", "PDF", "UAT", "UTR", "POT", "CUT", "CRS", "EPSG", "SIRUTA", "Stereo", "GeoPackage",
           "GeoJSON", "DXF", "CGXML", "DBF", "prj", "cpg", "zip", "shapefile", "eTerra", "HCL", "RO", "EN", "HU", "RU",
           "id", "cp", "lei", "m²", "km", "OpenStreetMap", "Leaflet", "QR", "PROIECT", "ANULAT", "Primăria",
           *LANGUAGE_NAMES.values(), "surveyor", "officer", "admin",  # the role codes shown next to the user name
           *LAND_USE_CODES}  # the land-use categories' codes (A, CC, PD…), shown with their names
WORD = re.compile(r"[^\W\d_]{2,}")


class VisibleText(HTMLParser):
    """The texts a person sees or hears: text nodes outside script/style, and the attributes read out."""

    SKIP = {"script", "style"}
    READ = ("title", "aria-label", "placeholder", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        self.texts += [value for name, value in attrs if name in self.READ and value and value.strip()]

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.texts


def _pieces(template: str) -> list[str]:
    """The literal parts of a str.format template (what stays when the values are filled in)."""
    edges = string.whitespace + ".,:;()/–—-"
    return [literal.strip(edges) for literal, *_ in string.Formatter().parse(template) if literal.strip(edges)]


@pytest.fixture(scope="module")
def phrases():
    """Per language, one pattern matching any catalogue phrase of that language (longest first, whole words),
    with the other vocabularies that carry their own translations (land-use names, the styles' legend
    labels, the certificate kinds' names)."""
    out = {}
    styles = load_styles()
    for lang in (*LANGS, "ru"):
        found = set()
        for langs in catalogue().values():
            if lang in langs:
                found.update(_pieces(langs[lang]))
        found |= set(land_use_names(lang).values()) | {kind.label(lang) for kind in all_kinds().values()}
        found |= {c.label.get(lang, "") for style in styles.values() for c in getattr(style, "classes", ())}
        ordered = sorted((p for p in found if p), key=len, reverse=True)
        out[lang] = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")
    return out


@pytest.fixture(scope="module")
def data_words(engine, filed, staff_client):
    """Every word of the data the pages show: names of places, streets, zones, plans, people, files, and
    the audit trail's (read after each staff account has signed in: the sign-ins are in the trail)."""
    for role in ("surveyor", "officer", "admin"):
        staff_client(role)
    return words_of_data(engine)


def words_of_data(engine) -> set[str]:
    tables = ("territory.uat", "territory.locality", "streets.street", "planning.zone", "planning.document",
              "planning.restriction", "registry.request", "auth.user", "importing.job")
    queries = [f"SELECT value FROM {table} t, jsonb_each_text(to_jsonb(t) - 'geom' - 'report' - 'facts')"
               for table in tables] + [
        # the audit trail: who, which table (its SQL name), the values before and after
        "SELECT DISTINCT concat_ws(' ', actor, table_name, object_id) FROM audit.log",
        "SELECT DISTINCT value FROM audit.log l, jsonb_each_text(coalesce(l.before, '{}'::jsonb) || "
        "coalesce(l.after, '{}'::jsonb))"]
    words = set()
    with engine.connect() as c:
        for sql in queries:
            for (value,) in c.execute(text(sql)):
                words |= set(WORD.findall(str(value or "")))
    return words | official_configuration_words()


def official_configuration_words() -> set[str]:
    """The approvals and authorities the certificates name (gis/certificates/config.yaml and data/): official
    Romanian wording the desk shows as the certificate will print it, like the zones' names."""
    import yaml

    folder = Path(__file__).parents[1] / "gis" / "certificates"
    words: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            words.update(WORD.findall(value))

    for path in (folder / "config.yaml", *sorted((folder / "data").glob("*.yaml"))):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    from gis.certificates.authorities import counties, county_bodies

    walk([county_bodies(county) for county in counties()])  # the names built from the county's (APM, DSP …)
    assert len(words) > 200  # the files were read
    return words


def foreign(texts: list[str], lang: str, phrases, data_words) -> list[str]:
    """The words of `texts` that are neither a `lang` catalogue phrase, nor data, nor allowed."""
    bad = []
    for shown in texts:
        rest = phrases[lang].sub(" ", shown)
        for token in rest.split():
            if not any(ch.isdigit() for ch in token):  # a token with digits is a number or a code (hash, id)
                bad += [w for w in WORD.findall(token) if w not in data_words and w not in ALLOWED]
    return bad


@pytest.fixture(scope="module")
def filed(loaded, engine):
    """Requests the citizen's and the desk's pages show: one received, one cancelled, one issued."""
    with engine.connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan "
                                "ORDER BY cadastral_number OFFSET 5 LIMIT 1")).scalar_one()
    received = file_request(loaded, "urbanism", [number], "construire garaj", "Ilie Crawlescu", "public:test",
                            email="ilie.crawlescu@example.ro")
    cancelled = file_request(loaded, "nomenclature", [number], "vânzare", "Ilie Crawlescu", "public:test",
                             email="ilie.crawlescu@example.ro")
    cancel(loaded, cancelled.id, "dublură", "officer:test")
    issued = file_request(loaded, "urbanism", [number], "construire anexă", "Ilie Crawlescu", "public:test",
                          email="ilie.crawlescu@example.ro")
    send_to_review(loaded, issued.id, "officer:test")
    done, _ = issue_request(loaded, issued.id, "officer:test", unpaid_confirmed=True)
    return {"received": received, "cancelled": cancelled, "issued": done}


def public_pages(filed, lang: str) -> list[str]:
    r, c, i = filed["received"], filed["cancelled"], filed["issued"]
    return [f"/?lang={lang}", f"/cereri/noua?lang={lang}", f"/cereri/noua?tip=nomenclature&lang={lang}",
            f"/cereri/{r.id}?token={r.access_token}&lang={lang}", f"/cereri/{c.id}?token={c.access_token}&lang={lang}",
            f"/cereri/{i.id}?token={i.access_token}&lang={lang}", f"/verify/{i.verification_code}?lang={lang}",
            f"/verify/NU-EXISTA-1?lang={lang}", f"/office/login?lang={lang}"]


def staff_pages(filed, role: str, lang: str) -> list[str]:
    pages = [f"/office?lang={lang}", f"/office/imports?lang={lang}"]
    if role in ("officer", "admin"):
        pages += [f"/office/audit?lang={lang}", f"/office/map?lang={lang}",
                  f"/office/requests/{filed['received'].id}?lang={lang}",
                  f"/office/requests/{filed['issued'].id}?lang={lang}"]
    return pages


def check_page(client, url: str, lang: str, phrases, data_words) -> int:
    r = client.get(url)
    assert r.status_code in (200, 404), (url, r.status_code)
    html = r.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html, url
    texts = visible_texts(html)
    bad = foreign(texts, lang, phrases, data_words)
    assert not bad, f"{url}: not in the {lang} catalogue nor data: {sorted(set(bad))}"
    return len(texts)


@pytest.mark.parametrize("lang", LANGS)
def test_every_public_page_speaks_its_language(app, filed, lang, phrases, data_words):
    client = app.test_client()
    seen = {url: check_page(client, url, lang, phrases, data_words) for url in public_pages(filed, lang)}
    assert min(seen.values()) >= 3 and sum(seen.values()) >= 80, seen  # every page had texts to check


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ["surveyor", "officer", "admin"])
def test_every_staff_page_speaks_its_language(staff_client, filed, role, lang, phrases, data_words):
    client, _ = staff_client(role)
    seen = {url: check_page(client, url, lang, phrases, data_words) for url in staff_pages(filed, role, lang)}
    assert min(seen.values()) >= 5 and sum(seen.values()) >= 30, seen
    client.get("/office?lang=ro")  # the cookie back to Romanian for the next test of this account


@pytest.mark.parametrize("lang", LANGS)
def test_the_server_messages_speak_the_language(app, staff_client, engine, filed, lang, phrases, data_words,
                                                clear_throttles):
    clear_throttles()
    anonymous = app.test_client()
    said: list[str] = []
    # the sign-in refused, on the sign-in page
    token = csrf_token(anonymous, f"/office/login?lang={lang}")
    page = anonymous.post(f"/office/login?lang={lang}", data={"csrf": token, "username": "nimeni.crawl",
                                                             "password": "greșită-123456"},
                          environ_base={"REMOTE_ADDR": "10.91.0.1"})
    assert page.status_code == 401
    said += [t for t in visible_texts(page.get_data(as_text=True)) if t.strip()]
    # the request form after its session expired
    page = anonymous.post(f"/cereri/noua?lang={lang}", data={"type": "urbanism", "parcels": "1"})
    assert page.status_code == 400
    said += visible_texts(page.get_data(as_text=True))
    # the JSON APIs: a parcel that is not there, a point with no parcel, sign in first
    for url, status in (("/api/parcels/999999999", 404), ("/api/parcels/at?lon=21.0&lat=45.0", 404),
                        ("/api/office/discrepancies?uat=1", 401)):
        answer = anonymous.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")
        assert answer.status_code == status, url
        said.append(answer.get_json()["message"])
    officer, headers = staff_client("officer")
    with engine.connect() as c:
        uat, geometry = c.execute(text("SELECT uat_siruta, ST_AsGeoJSON(geom)::json FROM cadastre.parcel "
                                       "WHERE valid_to IS NULL ORDER BY id LIMIT 1")).one()
    # the registers' discrepancies of a year with no tax assessment
    found = officer.get(f"/api/office/discrepancies?uat={uat}&year=2031&lang={lang}").get_json()["discrepancies"]
    assert found
    said += sorted({d["detail"] for d in found})
    # the editing problems of an outline drawn over a parcel
    checked = officer.post(f"/api/office/parcels/validate?lang={lang}", headers=headers, json={
        "uat": uat, "cadastral_number": "999991", "geometry": geometry, "legal_area": 1, "use_category": "A"})
    problems = checked.get_json()["problems"]
    assert {"overlap", "area_difference", "intravilan"} <= {p["code"] for p in problems}
    said += [p["message"] for p in problems]
    officer.get("/office?lang=ro")
    assert len(said) >= 12
    for code, values in (("auth.wrong_password", {}), ("request.session_expired", None),
                         ("parcel.not_found_number", {"number": "999999999"}), ("auth.sign_in_first", {}),
                         ("registers.parcel_without_assessment", {"year": 2031})):
        expected = t(code, lang) if values is None else message(code, lang, **values)
        assert any(expected in text_ for text_ in said), (code, lang)
    bad = foreign(said, lang, phrases, data_words)
    assert not bad, f"messages not in the {lang} catalogue nor data: {sorted(set(bad))}"


def test_the_check_catches_a_romanian_text_on_an_english_page(app, filed, phrases, data_words):
    page = app.test_client().get("/cereri/noua?lang=en").get_data(as_text=True)
    assert not foreign(visible_texts(page), "en", phrases, data_words)
    slipped = page.replace("</form>", "<p>Datele personale sunt folosite numai pentru soluționarea cererii.</p></form>")
    assert {"Datele", "personale", "soluționarea"} <= set(foreign(visible_texts(slipped), "en", phrases, data_words))
    # and an English server message on a Romanian page
    ro = app.test_client().get("/cereri/noua?lang=ro").get_data(as_text=True)
    # (not "wrong user name or password": "password" is data now, the audit trail's sign-in method)
    wrong = ro.replace("</form>", '<p role="alert">this account is not a staff account</p></form>')
    assert {"this", "account"} <= set(foreign(visible_texts(wrong), "ro", phrases, data_words))


def test_every_audited_column_and_table_has_a_label_in_the_catalogue(engine):
    """The audit page names each changed column and table in the officer's language, whatever the tests
    before this one happened to write into the trail."""
    from webmap.audit_view import FIELDS, TABLES

    with engine.connect() as c:
        columns = c.execute(text(
            "SELECT DISTINCT column_name FROM information_schema.columns WHERE table_schema || '.' || table_name"
            " = ANY(:t) AND column_name NOT IN ('id', 'geom')"), {"t": list(TABLES)}).scalars().all()
    assert len(columns) > 100
    assert sorted(set(columns) - set(FIELDS)) == []
    office = {ro for (ctx, ro) in catalogue() if ctx == "office"}
    assert sorted((set(FIELDS.values()) | set(TABLES.values())) - office) == []


def test_the_moldovan_profiles_staff_pages_speak_romanian_and_russian(md, phrases):  # noqa: F811 - md: a fixture
    """TERITORIU_PROFILE=MD: the staff workspace offers ro, ru and en (the profile's languages), and its
    pages hold only the catalogue's Russian (or Romanian) and the Moldovan data."""
    from api import create_app
    from gis.db import get_engine
    from gis.passwords import hash_password

    engine = get_engine(md, "app")
    with engine.begin() as c:
        c.execute(text("SELECT set_config('teritoriu.actor', 'test', true)"))
        c.execute(text("INSERT INTO auth.user (username, full_name, role, password_hash) VALUES "
                       "('md.officer', 'Ofițer MD', 'officer', :h) ON CONFLICT (username) DO NOTHING"),
                  {"h": hash_password(STAFF_PASSWORD)})
    app = create_app(md)
    app.testing = True
    client = app.test_client()
    assert sign_in(client, "md.officer").status_code == 303
    words = words_of_data(engine)
    for lang in ("ro", "ru"):
        seen = {}
        for url in (f"/office?lang={lang}", f"/office/imports?lang={lang}", f"/office/audit?lang={lang}",
                    f"/office/map?lang={lang}"):
            seen[url] = check_page(client, url, lang, phrases, words)
            page = client.get(url).get_data(as_text=True)
            assert 'hreflang="ru"' in page and 'hreflang="hu"' not in page  # the profile's languages
        assert min(seen.values()) >= 5, seen
    assert "Журнал аудита" in client.get("/office?lang=ru").get_data(as_text=True)
    anonymous = app.test_client()
    token = csrf_token(anonymous, "/office/login?lang=ru")
    refused = anonymous.post("/office/login?lang=ru", data={"csrf": token, "username": "md.nimeni",
                                                           "password": "greșită-123456"},
                             environ_base={"REMOTE_ADDR": "10.92.0.1"})
    assert refused.status_code == 401 and "неверное имя пользователя или пароль" in refused.get_data(as_text=True)
    check_page(anonymous, "/office/login?lang=ru", "ru", phrases, words)
