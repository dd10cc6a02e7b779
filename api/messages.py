"""Messages of the web surfaces' errors, by code, in the request's language (ro first, en, hu).

The language is the one the pages use: `lang=` in the query, then the `lang` cookie, then the
browser's Accept-Language among ro/en/hu; Romanian otherwise."""

from __future__ import annotations

from flask import has_request_context, request

LANGUAGES = ("ro", "en", "hu")

# code → language → text (str.format placeholders)
CATALOGUE: dict[str, dict[str, str]] = {
    # the orthophoto coverage (api/coverage_params.py)
    "coverage.extent": {
        "ro": "acoperirea se întinde pe {native} ({crs}), adică {crs84} (CRS84)",
        "en": "the coverage spans {native} ({crs}), that is {crs84} (CRS84)",
        "hu": "a lefedettség kiterjedése {native} ({crs}), azaz {crs84} (CRS84)",
    },
    "coverage.unknown_parameter": {
        "ro": "parametru necunoscut: {names}; acoperirea acceptă {allowed}",
        "en": "unknown query parameter(s): {names}; the coverage accepts {allowed}",
        "hu": "ismeretlen paraméter: {names}; a lefedettség ezeket fogadja el: {allowed}",
    },
    "coverage.repeated_parameter": {
        "ro": "parametrul {name} este dat de mai multe ori",
        "en": "the parameter {name} is given more than once",
        "hu": "a(z) {name} paraméter többször szerepel",
    },
    "coverage.subset_syntax": {
        "ro": "subset trebuie să fie de forma {example}, cu axele {axes}, nu {value}",
        "en": "subset must look like {example}, with the axes {axes}, not {value}",
        "hu": "a subset alakja {example} legyen, {axes} tengelyekkel, nem {value}",
    },
    "coverage.subset_axis": {
        "ro": "acoperirea nu are axa {axis}; axele ei sunt {axes}",
        "en": "the coverage has no axis {axis}; its axes are {axes}",
        "hu": "a lefedettségnek nincs {axis} tengelye; tengelyei: {axes}",
    },
    "coverage.subset_repeated_axis": {
        "ro": "axa {axis} apare de două ori în subset",
        "en": "the axis {axis} appears twice in subset",
        "hu": "a(z) {axis} tengely kétszer szerepel a subsetben",
    },
    "coverage.subset_range": {
        "ro": "intervalul axei {axis} trebuie să fie două numere finite min < max, nu {value}",
        "en": "the range of axis {axis} must be two finite numbers min < max, not {value}",
        "hu": "a(z) {axis} tengely tartománya két véges szám legyen, min < max, nem {value}",
    },
    "coverage.subset_out_of_range": {
        "ro": "intervalul axei {axis} ({value}) iese din domeniul în care {crs} este definit ({low}–{high})",
        "en": "the range of axis {axis} ({value}) is beyond where {crs} is defined ({low}–{high})",
        "hu": "a(z) {axis} tengely tartománya ({value}) kívül esik a(z) {crs} értelmezési tartományán "
              "({low}–{high})",
    },
    "coverage.outside": {
        "ro": "intervalul cerut ({value}) nu se suprapune cu acoperirea",
        "en": "the requested area ({value}) does not overlap the coverage",
        "hu": "a kért terület ({value}) nem fedi át a lefedettséget",
    },
    "coverage.bbox_syntax": {
        "ro": "bbox trebuie să fie patru numere vest,sud,est,nord în CRS84 (longitudine, latitudine), "
              "cu vest < est și sud < nord, nu {value}",
        "en": "bbox must be four numbers west,south,east,north in CRS84 (longitude, latitude), "
              "with west < east and south < north, not {value}",
        "hu": "a bbox négy szám legyen: nyugat,dél,kelet,észak CRS84-ben (hosszúság, szélesség), "
              "nyugat < kelet és dél < észak, nem {value}",
    },
    "coverage.bbox_and_subset": {
        "ro": "bbox și subset pe axele {axes} nu pot fi date împreună",
        "en": "bbox and a subset of the axes {axes} cannot be given together",
        "hu": "a bbox és a(z) {axes} tengelyek subsetje nem adható meg együtt",
    },
    "coverage.bbox_crs": {
        "ro": "bbox-crs {value} nu este acceptat: dați bbox în {allowed}, sau subset={example} în {crs}",
        "en": "bbox-crs {value} is not supported: give bbox in {allowed}, or subset={example} in {crs}",
        "hu": "a(z) {value} bbox-crs nem támogatott: a bbox {allowed} legyen, vagy subset={example} ({crs})",
    },
    "coverage.bbox_crs_alone": {
        "ro": "bbox-crs are sens doar împreună cu bbox",
        "en": "bbox-crs makes sense only together with bbox",
        "hu": "a bbox-crs csak a bboxszal együtt értelmes",
    },
    "coverage.properties": {
        "ro": "properties trebuie să fie benzi ale acoperirii, separate prin virgulă, fiecare o dată ({fields}), "
              "nu {value}",
        "en": "properties must be bands of the coverage, comma-separated, each once ({fields}), not {value}",
        "hu": "a properties a lefedettség sávjai legyenek, vesszővel elválasztva, mindegyik egyszer "
              "({fields}), nem {value}",
    },
    "coverage.format": {
        "ro": "formatul f={value} nu este disponibil; alegeți unul dintre {allowed}",
        "en": "the format f={value} is not available; choose one of {allowed}",
        "hu": "az f={value} formátum nem érhető el; válasszon ezek közül: {allowed}",
    },
    "request.too_deep": {
        "ro": "corpul cererii este imbricat prea adânc (liste în liste); trimiteți datele așa cum le descrie "
              "documentația API",
        "en": "the request body is nested too deeply (lists in lists); send the data as the API documentation "
              "describes it",
        "hu": "a kérés törzse túl mélyen egymásba ágyazott (listák listákban); küldje az adatokat az API "
              "dokumentációja szerint",
    },
    "coverage.too_large": {
        "ro": "răspunsul ar avea {cells} de celule, peste cele {most} permise într-un răspuns în acest format; "
              "cereți o parte cu subset (ex. subset={example}) sau formatul f=GTiff",
        "en": "the answer would hold {cells} cells, more than the {most} one answer may carry in this format; "
              "ask for a part with subset (e.g. subset={example}) or for f=GTiff",
        "hu": "a válasz {cells} cellát tartalmazna, többet az ebben a formátumban megengedett {most}-nál; "
              "kérjen egy részt subset-tel (pl. subset={example}) vagy f=GTiff formátumot",
    },
    "coverage.scale_size": {
        "ro": "scale-size trebuie să fie de forma {example}: numărul întreg de celule pe fiecare axă ({axes}), "
              "cu subset pe ambele axe, nu {value}",
        "en": "scale-size must look like {example}: the whole number of cells along each axis ({axes}), "
              "with a subset of both axes, not {value}",
        "hu": "a scale-size alakja {example} legyen: a cellák egész száma tengelyenként ({axes}), "
              "mindkét tengely subsetjével, nem {value}",
    },
    "coverage.scale_size_format": {
        "ro": "scale-size este disponibil doar pentru f=GTiff",
        "en": "scale-size is available only with f=GTiff",
        "hu": "a scale-size csak f=GTiff esetén érhető el",
    },
    "coverage.bbox_native_outside": {
        "ro": "bbox {value} nu se suprapune cu acoperirea; în {crs} se citește în ordinea axelor acestui CRS ({order})",
        "en": "the bbox {value} does not overlap the coverage; in {crs} it is read in that CRS's axis order ({order})",
        "hu": "a(z) {value} bbox nem fedi át a lefedettséget; {crs} esetén a CRS tengelysorrendjében olvasandó "
              "({order})",
    },
    "coverage.bbox_crs_syntax": {
        "ro": "bbox în {crs} trebuie să fie patru numere finite, min < max pe fiecare axă, în ordinea axelor "
              "acestui CRS ({order}), nu {value}",
        "en": "a bbox in {crs} must be four finite numbers, min < max on each axis, in that CRS's axis order "
              "({order}), not {value}",
        "hu": "a(z) {crs} bbox négy véges szám legyen, tengelyenként min < max, a CRS tengelysorrendjében "
              "({order}), nem {value}",
    },
    "coverage.datetime": {
        "ro": "datetime trebuie să fie o dată sau un interval ISO 8601 (ex. 2024-05-01 sau 2024-01-01/..), "
              "nu {value}",
        "en": "datetime must be an ISO 8601 date or interval (e.g. 2024-05-01 or 2024-01-01/..), not {value}",
        "hu": "a datetime ISO 8601 dátum vagy időszak legyen (pl. 2024-05-01 vagy 2024-01-01/..), nem {value}",
    },
    # tiles (api/orthophoto.py, api/vector_tiles.py)
    "tiles.zoom": {
        "ro": "nivelul de zoom {z} nu există pentru {tileset}: nivelurile sunt {min_zoom}–{max_zoom}",
        "en": "zoom level {z} does not exist for {tileset}: the levels are {min_zoom}–{max_zoom}",
        "hu": "a(z) {z} nagyítási szint nem létezik ehhez: {tileset}; a szintek: {min_zoom}–{max_zoom}",
    },
    "tiles.address": {
        "ro": "la zoom {z}, coloana și rândul merg de la 0 la {last}",
        "en": "at zoom {z}, column and row go from 0 to {last}",
        "hu": "a(z) {z} szinten az oszlop és a sor 0 és {last} között van",
    },
    "tiles.outside": {
        "ro": "dala {z}/{x}/{y} este în afara zonei {tileset} ({extent})",
        "en": "the tile {z}/{x}/{y} is outside the extent of {tileset} ({extent})",
        "hu": "a(z) {z}/{x}/{y} csempe kívül esik a(z) {tileset} kiterjedésén ({extent})",
    },
    # every unexpected error (api/__init__.py)
    # /ogc/collections/{id}/items (api/items_params.py)
    "items.datetime": {
        "ro": "datetime trebuie să fie un moment RFC 3339 (2024-05-01T12:00:00Z sau 2024-05-01) sau un interval "
              "început/sfârșit, cu .. pentru un capăt deschis (2024-01-01T00:00:00Z/.., ../2024-12-31), nu {value}",
        "en": "datetime must be an RFC 3339 instant (2024-05-01T12:00:00Z or 2024-05-01) or an interval start/end, "
              "with .. for an open end (2024-01-01T00:00:00Z/.., ../2024-12-31), not {value}",
        "hu": "a datetime RFC 3339 időpont (2024-05-01T12:00:00Z vagy 2024-05-01) vagy kezdet/vég intervallum "
              "legyen, nyitott véggel ..-tal (2024-01-01T00:00:00Z/.., ../2024-12-31), nem {value}",
    },
    "items.datetime_order": {
        "ro": "intervalul datetime {value} începe după sfârșitul lui",
        "en": "the datetime interval {value} starts after it ends",
        "hu": "a(z) {value} datetime intervallum a vége után kezdődik",
    },
    "items.skip_geometry": {
        "ro": "skipGeometry acceptă true sau false, nu {value}",
        "en": "skipGeometry accepts true or false, not {value}",
        "hu": "a skipGeometry értéke true vagy false lehet, nem {value}",
    },
    "items.limit": {
        "ro": "limit trebuie să fie un număr întreg de la 1 la {max}, nu {value}",
        "en": "limit must be a whole number from 1 to {max}, not {value}",
        "hu": "a limit 1 és {max} közötti egész szám legyen, nem {value}",
    },
    "items.offset": {
        "ro": "offset trebuie să fie un număr întreg, 0 sau mai mare, nu {value}",
        "en": "offset must be a whole number, 0 or more, not {value}",
        "hu": "az offset 0 vagy nagyobb egész szám legyen, nem {value}",
    },
    "internal_error": {
        "ro": "A apărut o eroare internă; încercați din nou. Dacă se repetă, comunicați codul {request_id}.",
        "en": "Internal error; please retry. If it happens again, quote the code {request_id}.",
        "hu": "Belső hiba; próbálja újra. Ha ismétlődik, adja meg ezt a kódot: {request_id}.",
    },
    # certificate requests (api/certificates.py, api/requests_page.py, api/staff.py's UAT scope): one
    # answer for an unknown id, a wrong token and a request the account may not read
    "request.not_found": {
        "ro": "Cererea {id} nu a fost găsită. Folosiți adresa completă primită la depunerea cererii.",
        "en": "Certificate request {id} was not found. Use the full address you received when filing it.",
        "hu": "A(z) {id} kérelem nem található. Használja a kérelem benyújtásakor kapott teljes címet.",
    },
    # request bodies (api/bodies.py) and throttles (api/ratelimit.py)
    "limits.body_too_large": {
        "ro": "Cererea este prea mare: aici se primesc cel mult {size}.",
        "en": "The request is too large: this address accepts at most {size}.",
        "hu": "A kérés túl nagy: ez a cím legfeljebb {size} adatot fogad.",
    },
    "limits.content_type": {
        "ro": "Tipul conținutului trebuie să fie {types}.",
        "en": "The content type must be {types}.",
        "hu": "A tartalom típusa csak {types} lehet.",
    },
    "limits.sign_ins": {
        "ro": "Prea multe încercări eșuate de conectare; reîncercați peste {minutes} min.",
        "en": "Too many failed sign-ins; retry in {minutes} min.",
        "hu": "Túl sok sikertelen bejelentkezés; próbálja újra {minutes} perc múlva.",
    },
    "limits.filings": {
        "ro": "Prea multe cereri depuse de la această adresă sau cu această adresă de e-mail; "
              "puteți depune o cerere nouă peste {minutes} min.",
        "en": "Too many requests filed from this address or with this e-mail address; "
              "you can file a new one in {minutes} min.",
        "hu": "Túl sok kérelmet nyújtottak be erről a címről vagy ezzel az e-mail-címmel; "
              "{minutes} perc múlva nyújthat be újat.",
    },
    "limits.checks": {
        "ro": "Prea multe verificări de la această adresă; reîncercați peste {minutes} min.",
        "en": "Too many certificate checks from this address; retry in {minutes} min.",
        "hu": "Túl sok ellenőrzés erről a címről; próbálja újra {minutes} perc múlva.",
    },
}


def request_language() -> str:
    """ro, en or hu: `lang=`, the `lang` cookie, Accept-Language; Romanian otherwise."""
    if not has_request_context():
        return "ro"
    for asked in (request.args.get("lang"), request.cookies.get("lang")):
        if asked:
            code = asked.strip().lower()[:2]
            if code in LANGUAGES:
                return code
    for value, _quality in request.accept_languages:  # best first
        code = value.strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "ro"


def message(code: str, lang: str | None = None, **values) -> str:
    entry = CATALOGUE[code]
    text = entry.get(lang or request_language()) or entry["ro"]
    return text.format(**values)


# /verify/<code> (api/verify.py, webmap/templates/verify.html): the page's texts, ro first
VERIFY_TEXTS: dict[str, dict[str, str]] = {
    "title": {"ro": "Verificare certificat", "en": "Certificate check", "hu": "Tanúsítvány ellenőrzése"},
    "document": {"ro": "Document", "en": "Document", "hu": "Dokumentum"},
    "issuer": {"ro": "Emitent", "en": "Issued by", "hu": "Kibocsátó"},
    "issuer_value": {"ro": "Primăria {uat}", "en": "Primăria {uat} (city hall)",
                     "hu": "Primăria {uat} (polgármesteri hivatal)"},
    "number": {"ro": "Număr de înregistrare", "en": "Registry number", "hu": "Iktatószám"},
    "issued_at": {"ro": "Data emiterii", "en": "Issued on", "hu": "Kibocsátás dátuma"},
    "applicant": {"ro": "Solicitant", "en": "Applicant", "hu": "Kérelmező"},
    "parcels": {"ro": "Imobile (nr. cadastral)", "en": "Properties (cadastral no.)", "hu": "Ingatlanok (hrsz.)"},
    "sha256": {"ro": "Amprenta SHA-256 a PDF-ului", "en": "SHA-256 of the PDF", "hu": "A PDF SHA-256 lenyomata"},
    "status": {"ro": "Stare", "en": "Status", "hu": "Állapot"},
    "valid": {"ro": "valabil (emis)", "en": "valid (issued)", "hu": "érvényes (kibocsátva)"},
    "extended": {"ro": "Prelungire", "en": "Extension", "hu": "Meghosszabbítás"},
    "extended_value": {"ro": "prelungit până la {until} prin {reference}; SHA-256 al exemplarului prelungit: {sha}",
                       "en": "extended until {until} by {reference}; SHA-256 of the extended copy: {sha}",
                       "hu": "meghosszabbítva {until}-ig: {reference}; a meghosszabbított példány SHA-256: {sha}"},
    "cancelled": {"ro": "ANULAT la {date}. Motivul: {reason}",
                  "en": "CANCELLED (ANULAT) on {date}. Reason: {reason}",
                  "hu": "ÉRVÉNYTELENÍTVE (ANULAT) {date}. Indok: {reason}"},
    "cancelled_note": {"ro": "Acest document a fost ANULAT la {date} și nu mai este valabil. Motivul: {reason}",
                       "en": "This document was CANCELLED (ANULAT) on {date} and is no longer valid. "
                             "Reason: {reason}",
                       "hu": "Ezt a dokumentumot {date} ÉRVÉNYTELENÍTETTÉK (ANULAT), már nem érvényes. "
                             "Indok: {reason}"},
    "not_found": {"ro": "Nu există niciun document emis cu acest cod. Verificați codul tipărit sub codul QR.",
                  "en": "No document was issued under this code. Check the code printed under the QR code.",
                  "hu": "Ezzel a kóddal nem adtak ki dokumentumot. Ellenőrizze a QR-kód alatti kódot."},
    "missing": {"ro": "Alegeți fișierul PDF (cel mult 20 MB).", "en": "Choose the PDF file (20 MB at most).",
                "hu": "Válassza ki a PDF-fájlt (legfeljebb 20 MB)."},
    "genuine": {"ro": "Fișierul este identic, octet cu octet, cu documentul emis.",
                "en": "The file is identical, byte for byte, to the document issued.",
                "hu": "A fájl bájtról bájtra azonos a kiadott dokumentummal."},
    "genuine_cancelled": {
        "ro": "Fișierul este identic, octet cu octet, cu documentul emis, dar documentul a fost ANULAT "
              "la {date} și NU mai este valabil. Motivul: {reason}",
        "en": "The file is identical, byte for byte, to the document issued, but the document was CANCELLED "
              "(ANULAT) on {date} and is NO longer valid. Reason: {reason}",
        "hu": "A fájl bájtról bájtra azonos a kiadott dokumentummal, de a dokumentumot {date} "
              "ÉRVÉNYTELENÍTETTÉK (ANULAT), és már NEM érvényes. Indok: {reason}"},
    "different": {"ro": "Fișierul NU este documentul emis: a fost modificat sau este alt document.",
                  "en": "The file is NOT the document issued: it was changed or it is another document.",
                  "hu": "A fájl NEM a kiadott dokumentum: módosították, vagy másik dokumentum."},
    "upload": {"ro": "Verificați un fișier PDF primit:", "en": "Check a PDF file you received:",
               "hu": "Ellenőrizzen egy kapott PDF-fájlt:"},
    "check": {"ro": "Verifică", "en": "Check", "hu": "Ellenőrzés"},
}


def verify_texts(lang: str | None = None) -> dict[str, str]:
    lang = lang or request_language()
    return {key: entry.get(lang) or entry["ro"] for key, entry in VERIFY_TEXTS.items()}
