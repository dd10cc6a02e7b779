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
    # accepting an import (api/office.py): the officer confirms what it writes
    "import.confirm_accept": {
        "ro": "Bifați confirmarea: acceptarea scrie în registre ce arată raportul.",
        "en": "Tick the confirmation: accepting writes into the registers what the report shows.",
        "hu": "Jelölje be a megerősítést: az elfogadás a jelentésben látható változásokat írja a nyilvántartásba.",
    },
    "import.accept_says": {
        "ro": "Confirm: se scriu {new} obiecte noi și {changed} modificate; {unchanged} rămân neschimbate.",
        "en": "I confirm: {new} new and {changed} changed objects are written; {unchanged} stay unchanged.",
        "hu": "Megerősítem: {new} új és {changed} módosított objektum kerül beírásra; {unchanged} változatlan marad.",
    },
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
    # ---- import reports (importers/: "import.<code>", ".<variant>" where one code says several
    # things); the hints say how to fix it on the surface the reader uses (web page or CLI)
    "import.hint.map.web": {
        "ro": "alegeți coloana în formularul „Corespondența câmpurilor” de mai jos",
        "en": "choose the column in the field-mapping form below",
        "hu": "válassza ki az oszlopot a lenti mezőmegfeleltetési űrlapon",
    },
    "import.hint.map.cli": {
        "ro": "dați corespondența cu --mapping FIȘIER.json, ex. {{\"NUMAR\": \"cadastral_number\"}}",
        "en": "give the mapping with --mapping FILE.json, e.g. {{\"NUMAR\": \"cadastral_number\"}}",
        "hu": "adja meg a megfeleltetést: --mapping FÁJL.json, pl. {{\"NUMAR\": \"cadastral_number\"}}",
    },
    "import.hint.repair.web": {
        "ro": "bifați „repară contururile invalide” la încărcare",
        "en": "tick “repair invalid outlines” when uploading",
        "hu": "feltöltéskor jelölje be az „érvénytelen körvonalak javítása” opciót",
    },
    "import.hint.repair.cli": {"ro": "importați cu --make-valid", "en": "import with --make-valid",
                               "hu": "importálja a --make-valid kapcsolóval"},
    "import.hint.crs.web": {
        "ro": "alegeți sistemul de coordonate la încărcare (Opțiuni, ex. EPSG:3844)",
        "en": "choose the coordinate system when uploading (Options, e.g. EPSG:3844)",
        "hu": "feltöltéskor válassza ki a koordináta-rendszert (Beállítások, pl. EPSG:3844)",
    },
    "import.hint.crs.cli": {"ro": "importați din nou cu --crs EPSG:N", "en": "import again with --crs EPSG:N",
                            "hu": "importálja újra a --crs EPSG:N kapcsolóval"},
    "import.hint.encoding.web": {
        "ro": "dacă numele arată greșit, alegeți codarea la încărcare (Opțiuni)",
        "en": "if names look wrong, choose the encoding when uploading (Options)",
        "hu": "ha a nevek hibásak, feltöltéskor válassza ki a kódolást (Beállítások)",
    },
    "import.hint.encoding.cli": {
        "ro": "dacă numele arată greșit, importați din nou cu --encoding",
        "en": "if names look wrong, import again with --encoding",
        "hu": "ha a nevek hibásak, importálja újra az --encoding kapcsolóval",
    },
    "import.hint.accept.web": {
        "ro": "pentru a le înlocui, bifați „acceptă contururile din fișier” la aprobare",
        "en": "to replace them, tick “accept the file's outlines” when accepting",
        "hu": "cseréjükhöz jóváhagyáskor jelölje be „a fájl körvonalainak elfogadása” opciót",
    },
    "import.hint.accept.cli": {
        "ro": "pentru a le înlocui, importați cu --accept-outlines",
        "en": "to replace them, import with --accept-outlines",
        "hu": "cseréjükhöz importálja az --accept-outlines kapcsolóval",
    },
    "import.summary": {
        "ro": "{source} ({kind}): {features} obiecte — noi {new}, modificate {changed}, neschimbate {unchanged}, "
              "retrase {retired}; {errors} erori, {warnings} avertismente",
        "en": "{source} ({kind}): {features} features — new {new}, changed {changed}, unchanged {unchanged}, "
              "retired {retired}; {errors} errors, {warnings} warnings",
        "hu": "{source} ({kind}): {features} objektum — új {new}, módosult {changed}, változatlan {unchanged}, "
              "megszüntetett {retired}; {errors} hiba, {warnings} figyelmeztetés",
    },
    "import.rejected": {"ro": "Respins: nu s-a scris nimic.", "en": "Rejected: nothing was written.",
                        "hu": "Elutasítva: semmi sem íródott."},
    "import.dry_run": {"ro": "Doar verificare: nu s-a scris nimic.", "en": "Dry run: nothing was written.",
                       "hu": "Csak ellenőrzés: semmi sem íródott."},
    "import.imported": {"ro": "Importat în {seconds} s.", "en": "Imported in {seconds} s.",
                        "hu": "Importálva {seconds} mp alatt."},
    "import.more": {"ro": "… și încă {n} (vedeți raportul JSON)", "en": "… and {n} more (see the JSON report)",
                    "hu": "… és még {n} (lásd a JSON-jelentést)"},
    "import.unknown_uat": {
        "ro": "nu există UAT cu SIRUTA {siruta} în această bază de date",
        "en": "there is no UAT with SIRUTA {siruta} in this database",
        "hu": "nincs {siruta} SIRUTA-kódú közigazgatási egység ebben az adatbázisban",
    },
    "import.outside_uat": {
        "ro": "obiectul se află (parțial) în afara limitei UAT",
        "en": "the feature lies (partly) outside the UAT boundary",
        "hu": "az objektum (részben) a közigazgatási egység határán kívül esik",
    },
    "import.outside_uat.none": {
        "ro": "obiectele nu se află în niciunul dintre UAT-urile acestei baze de date",
        "en": "the features lie in none of the UATs of this database",
        "hu": "az objektumok az adatbázis egyik közigazgatási egységébe sem esnek",
    },
    "import.no_geometry": {"ro": "obiectul nu are geometrie", "en": "the feature has no geometry",
                           "hu": "az objektumnak nincs geometriája"},
    "import.no_geometry.cgxml": {
        "ro": "imobilul (Land) {land} are mai puțin de trei puncte",
        "en": "the Land {land} has fewer than three points",
        "hu": "a(z) {land} ingatlannak (Land) háromnál kevesebb pontja van",
    },
    "import.wrong_type": {
        "ro": "un {type} acolo unde stratul {kind} cere geometrii {wanted}",
        "en": "a {type} where {kind} need {wanted} geometries",
        "hu": "{type} geometria ott, ahol a(z) {kind} réteg {wanted} geometriát kér",
    },
    "import.repaired": {
        "ro": "conturul nu era valid ({reason}) și a fost reparat: verificați-l",
        "en": "the outline was not valid ({reason}) and was repaired: check it",
        "hu": "a körvonal érvénytelen volt ({reason}), és javítva lett: ellenőrizze",
    },
    "import.invalid_geometry": {
        "ro": "conturul nu este valid ({reason}): corectați-l sau {repair_hint}",
        "en": "the outline is not valid ({reason}): fix it, or {repair_hint}",
        "hu": "a körvonal érvénytelen ({reason}): javítsa ki, vagy {repair_hint}",
    },
    "import.invalid_geometry.unrepairable": {
        "ro": "conturul nu este valid ({reason}) și nu poate fi reparat",
        "en": "the outline is not valid ({reason}) and cannot be repaired",
        "hu": "a körvonal érvénytelen ({reason}), és nem javítható",
    },
    "import.too_small": {"ro": "poligonul are doar {area} m²", "en": "the polygon covers only {area} m²",
                         "hu": "a sokszög területe csak {area} m²"},
    "import.duplicate_in_file": {
        "ro": "{key} apare de mai multe ori în fișier (și {others})",
        "en": "{key} appears more than once in the file (also {others})",
        "hu": "{key} többször szerepel a fájlban (még: {others})",
    },
    "import.duplicate_geometry": {
        "ro": "aceeași geometrie ca obiectul #{other}", "en": "the same geometry as feature #{other}",
        "hu": "ugyanaz a geometria, mint a(z) #{other} objektumé",
    },
    "import.unreadable": {
        "ro": "fișierul {name} nu poate fi citit ({reason}): exportați-l din nou",
        "en": "the file {name} cannot be read ({reason}): export it again",
        "hu": "a(z) {name} fájl nem olvasható ({reason}): exportálja újra",
    },
    "import.no_layer": {
        "ro": "fișierul nu conține niciun strat care să poată fi importat",
        "en": "the file holds no layer that can be imported",
        "hu": "a fájl nem tartalmaz importálható réteget",
    },
    "import.no_layer.archive": {
        "ro": "arhiva nu conține niciun shapefile (.shp cu .shx și .dbf) și niciun alt fișier de strat",
        "en": "the archive holds no shapefile (.shp with its .shx and .dbf) nor another layer file",
        "hu": "az archívum nem tartalmaz shapefile-t (.shp a .shx és .dbf fájllal) sem más rétegfájlt",
    },
    "import.unsupported": {"ro": "importul stratului {kind} nu este încă posibil",
                           "en": "importing {kind} is not supported yet",
                           "hu": "a(z) {kind} importálása még nem támogatott"},
    "import.interrupted": {
        "ro": "verificarea a fost întreruptă (serverul s-a oprit); nu s-a scris nimic; încărcați fișierul din nou",
        "en": "the check was interrupted (the server stopped); nothing was written; upload the file again",
        "hu": "az ellenőrzés megszakadt (a szerver leállt); semmi sem íródott; töltse fel újra a fájlt",
    },
    "import.failed": {
        "ro": "importul a eșuat neașteptat ({error}); nu s-a scris nimic",
        "en": "the import failed unexpectedly ({error}); nothing was written",
        "hu": "az importálás váratlanul meghiúsult ({error}); semmi sem íródott",
    },
    "import.polygon_to_point": {
        "ro": "adresa este un {type}: punctul ei interior a fost luat ca punct de adresă",
        "en": "the address is a {type}: its inner point was taken as the address point",
        "hu": "a cím {type} geometria: a belső pontja lett a címpont",
    },
    "import.no_number.parcels": {
        "ro": "obiectul nu are număr cadastral: {map_hint}",
        "en": "the feature has no cadastral number: {map_hint}",
        "hu": "az objektumnak nincs helyrajzi száma: {map_hint}",
    },
    "import.no_number.buildings": {
        "ro": "construcția nu are număr (C1, C2…): {map_hint} (BUILDNO sau NR_CORP)",
        "en": "the building has no number (C1, C2…): {map_hint} (BUILDNO or NR_CORP)",
        "hu": "az épületnek nincs száma (C1, C2…): {map_hint} (BUILDNO vagy NR_CORP)",
    },
    "import.no_number.agri": {
        "ro": "terenul nu are cod de registru: {map_hint} (ROL/POZITIE sau COD)",
        "en": "the plot has no register code: {map_hint} (ROL/POZITIE or COD)",
        "hu": "a táblának nincs nyilvántartási kódja: {map_hint} (ROL/POZITIE vagy COD)",
    },
    "import.no_number.zones": {
        "ro": "zona nu are cod UTR: {map_hint} (UTR sau COD_UTR)",
        "en": "the zone has no UTR code: {map_hint} (UTR or COD_UTR)",
        "hu": "az övezetnek nincs UTR-kódja: {map_hint} (UTR vagy COD_UTR)",
    },
    "import.bad_number": {
        "ro": "numărul cadastral {number} nu este corect: nu este un număr cadastral din {country} (ex. {example})",
        "en": "the cadastral number {number} is not well-formed: not a cadastral number of {country} "
              "(e.g. {example})",
        "hu": "a(z) {number} helyrajzi szám hibás: nem {country} helyrajzi száma (pl. {example})",
    },
    "import.bad_number.house": {
        "ro": "{number} nu este un număr de casă (12, 12A, 12/1)",
        "en": "{number} is not a house number (12, 12A, 12/1)",
        "hu": "{number} nem házszám (12, 12A, 12/1)",
    },
    "import.bad_value.number": {"ro": "{value} nu este un număr", "en": "{value} is not a number",
                                "hu": "{value} nem szám"},
    "import.bad_value.flag": {"ro": "{value} nu este nici da, nici nu", "en": "{value} is neither yes nor no",
                              "hu": "{value} se nem igen, se nem nem"},
    "import.bad_value.legal_area": {
        "ro": "suprafața din acte trebuie să fie pozitivă, nu {value}",
        "en": "the legal area must be positive, not {value}",
        "hu": "az okirat szerinti terület pozitív legyen, nem {value}",
    },
    "import.bad_value.destination": {
        "ro": "destinația {value} nu este una dintre {allowed}",
        "en": "the destination {value} is not one of {allowed}",
        "hu": "a(z) {value} rendeltetés nem ezek egyike: {allowed}",
    },
    "import.bad_value.levels": {"ro": "{value} nu este un număr de niveluri", "en": "{value} is not a number of levels",
                                "hu": "{value} nem szintszám"},
    "import.bad_value.postal_code": {
        "ro": "{value} nu este un cod poștal din {country} (ex. {example})",
        "en": "{value} is not a postal code of {country} (e.g. {example})",
        "hu": "{value} nem {country} irányítószáma (pl. {example})",
    },
    "import.bad_value.declared_area": {
        "ro": "terenul are nevoie de suprafața declarată (SUPRAFATA)",
        "en": "the plot needs its declared area (SUPRAFATA)",
        "hu": "a táblának kell a bejelentett területe (SUPRAFATA)",
    },
    "import.bad_value.hcl_date": {
        "ro": "data HCL {value} nu este o dată (AAAA-LL-ZZ)", "en": "the HCL date {value} is not a date (YYYY-MM-DD)",
        "hu": "a(z) {value} HCL-dátum nem dátum (ÉÉÉÉ-HH-NN)",
    },
    "import.bad_value.pot": {"ro": "POT {value} nu este un procent (0–100)",
                             "en": "POT {value} is not a percentage (0–100)",
                             "hu": "a(z) {value} POT nem százalék (0–100)"},
    "import.bad_category": {
        "ro": "categoria de folosință {value} nu este una dintre {allowed}",
        "en": "the use category {value} is not one of {allowed}",
        "hu": "a(z) {value} művelési ág nem ezek egyike: {allowed}",
    },
    "import.missing_value.use_category": {
        "ro": "o parcelă nouă are nevoie de categoria de folosință: {map_hint} (ex. CATEGORIE)",
        "en": "a new parcel needs its use category: {map_hint} (e.g. CATEGORIE)",
        "hu": "az új parcellának kell a művelési ága: {map_hint} (pl. CATEGORIE)",
    },
    "import.missing_value.intravilan": {
        "ro": "o parcelă nouă are nevoie de intravilan/extravilan: {map_hint} (ex. INTRAVILAN)",
        "en": "a new parcel needs intravilan or extravilan: {map_hint} (e.g. INTRAVILAN)",
        "hu": "az új parcellának kell a bel- vagy külterület: {map_hint} (pl. INTRAVILAN)",
    },
    "import.missing_value.functional_zone": {
        "ro": "o zonă nouă are nevoie de zona funcțională: {map_hint} (ZONA sau FUNCTIUNE)",
        "en": "a new zone needs its functional zone: {map_hint} (ZONA or FUNCTIUNE)",
        "hu": "az új övezetnek kell a funkcionális övezete: {map_hint} (ZONA vagy FUNCTIUNE)",
    },
    "import.no_address": {
        "ro": "o adresă are nevoie de numele străzii și de număr: {map_hint} (STREETNAME/STRADA și POSTALNUMBER/NR)",
        "en": "an address needs its street name and number: {map_hint} (STREETNAME/STRADA and POSTALNUMBER/NR)",
        "hu": "a címhez kell az utca neve és a házszám: {map_hint} (STREETNAME/STRADA és POSTALNUMBER/NR)",
    },
    "import.no_name": {"ro": "strada nu are nume: {map_hint} (DENUMIRE sau NUME)",
                       "en": "the street has no name: {map_hint} (DENUMIRE or NUME)",
                       "hu": "az utcának nincs neve: {map_hint} (DENUMIRE vagy NUME)"},
    "import.no_document": {
        "ro": "nu există document de urbanism pentru această zonă: încărcați întâi PUG-ul sau asociați o coloană "
              "cu „document” (codul PUG/PUZ)",
        "en": "no planning document for this zone: load the PUG first, or map a column to “document” (the PUG/PUZ "
              "code)",
        "hu": "ehhez az övezethez nincs rendezési terv: előbb töltse be a PUG-ot, vagy rendeljen egy oszlopot a "
              "„document” mezőhöz (PUG/PUZ kód)",
    },
    "import.no_locality": {"ro": "UAT-ul nu are nicio localitate pentru această stradă",
                           "en": "the UAT has no locality for this street",
                           "hu": "a közigazgatási egységnek nincs települése ehhez az utcához"},
    "import.unknown_locality": {
        "ro": "localitatea {locality} nu este una a acestui UAT ({localities})",
        "en": "the locality {locality} is not one of this UAT's ({localities})",
        "hu": "a(z) {locality} település nem ehhez a közigazgatási egységhez tartozik ({localities})",
    },
    "import.unknown_parcel": {
        "ro": "parcela {number} a construcției nu este în cadastru (importați întâi parcela sau în același fișier)",
        "en": "the building's parcel {number} is not in the cadastre (import the parcel first, or in the same file)",
        "hu": "az épület {number} parcellája nincs a kataszterben (előbb importálja a parcellát, vagy ugyanabban a "
              "fájlban)",
    },
    "import.unknown_street": {
        "ro": "strada {street} nu este în nomenclatorul stradal al acestui UAT (adăugați-o sau verificați scrierea)",
        "en": "the street {street} is not in the street register of this UAT (add it, or check the spelling)",
        "hu": "a(z) {street} utca nincs a közigazgatási egység utcajegyzékében (vegye fel, vagy ellenőrizze az "
              "írásmódot)",
    },
    "import.overlap": {
        "ro": "se suprapune cu parcela curentă {number} pe {area} m² (lățime {width} m, {share}% din ea): corectați "
              "conturul sau importați și {number}",
        "en": "overlaps the current parcel {number} by {area} m² ({width} m wide, {share}% of it): correct the outline "
              "or import {number} too",
        "hu": "átfedi a(z) {number} érvényes parcellát {area} m²-en ({width} m széles, annak {share}%-a): javítsa a "
              "körvonalat, vagy importálja a(z) {number} parcellát is",
    },
    "import.overlap_in_file": {
        "ro": "se suprapune cu obiectul #{other} ({other_key}) din fișier pe {area} m² (lățime {width} m)",
        "en": "overlaps feature #{other} ({other_key}) of the file by {area} m² ({width} m wide)",
        "hu": "átfedi a fájl #{other} ({other_key}) objektumát {area} m²-en ({width} m széles)",
    },
    "import.retired": {
        "ro": "parcela curentă {number} se află sub parcelele importate și va fi retrasă (înlocuită de ele)",
        "en": "the current parcel {number} lies under the imported parcels and will be retired (replaced by them)",
        "hu": "a(z) {number} érvényes parcella az importált parcellák alatt fekszik, és megszűnik (azok váltják fel)",
    },
    "import.area_difference": {
        "ro": "suprafața măsurată {measured} m² diferă de cea din acte, {legal} m², cu mai mult de {share}%",
        "en": "measured {measured} m² differs from the legal area {legal} m² by more than {share}%",
        "hu": "a mért {measured} m² több mint {share}%-kal tér el az okirat szerinti {legal} m²-től",
    },
    "import.snapped": {
        "ro": "{count} vârfuri mutate pe vecinii curenți (în limita a {metres} m): {vertices}",
        "en": "{count} vertices moved onto the current neighbours (within {metres} m): {vertices}",
        "hu": "{count} töréspont a jelenlegi szomszédokra illesztve ({metres} m-en belül): {vertices}",
    },
    "import.outline_kept": {
        "ro": "conturul reproiectat din EPSG:{source} se află la cel mult {distance} m de cel legal (transformarea are "
              "o precizie de circa {metres} m): se păstrează conturul legal; {accept_hint}",
        "en": "the outline reprojected from EPSG:{source} is up to {distance} m from the legal one (the "
              "transformation is accurate to about {metres} m): the legal outline is kept; {accept_hint}",
        "hu": "az EPSG:{source} rendszerből átvetített körvonal legfeljebb {distance} m-re van a jogitól (a "
              "transzformáció kb. {metres} m pontos): a jogi körvonal marad; {accept_hint}",
    },
    "import.outline_replaced": {
        "ro": "conturul reproiectat din EPSG:{source} se află la cel mult {distance} m de cel legal și îl înlocuiește "
              "(acceptat de funcționar)",
        "en": "the outline reprojected from EPSG:{source} is up to {distance} m from the legal one and replaces it "
              "(accepted by the officer)",
        "hu": "az EPSG:{source} rendszerből átvetített körvonal legfeljebb {distance} m-re van a jogitól, és "
              "felváltja azt (az ügyintéző elfogadta)",
    },
    "import.reprojected": {
        "ro": "coordonatele erau în EPSG:{source} și au fost transformate în EPSG:{target} (precizie de circa "
              "{metres} m față de WGS 84/ETRS89): parcelele curente își păstrează contururile legale dacă un "
              "funcționar nu le acceptă pe acestea; contururile legale trebuie să vină în {crs}",
        "en": "the coordinates were in EPSG:{source} and were transformed to EPSG:{target} (about {metres} m accuracy "
              "from WGS 84/ETRS89): the current parcels keep their legal outlines unless an officer accepts these; "
              "legal outlines should come in {crs}",
        "hu": "a koordináták EPSG:{source} rendszerben voltak, és EPSG:{target} rendszerbe lettek transzformálva "
              "(kb. {metres} m pontosság WGS 84/ETRS89-ből): az érvényes parcellák megtartják jogi körvonalukat, "
              "hacsak egy ügyintéző el nem fogadja ezeket; a jogi körvonalak {crs} rendszerben jöjjenek",
    },
    "import.crs_assumed": {
        "ro": "fișierul nu își spune sistemul de coordonate; coordonatele cad în UAT doar ca EPSG:{epsg} ({crs}), "
              "așa că au fost citite astfel",
        "en": "the file does not say its coordinate system; the coordinates lie inside the UAT only as EPSG:{epsg} "
              "({crs}), so they were read so",
        "hu": "a fájl nem adja meg a koordináta-rendszerét; a koordináták csak EPSG:{epsg} ({crs}) rendszerben "
              "esnek a közigazgatási egységbe, ezért így lettek beolvasva",
    },
    "import.axes_swapped": {
        "ro": "X și Y erau inversate în fișier (în {crs} X este nordul): au fost puse la loc",
        "en": "X and Y were swapped in the file (X is the northing in {crs}): swapped back",
        "hu": "az X és Y fel volt cserélve a fájlban ({crs} rendszerben X az északi koordináta): visszacserélve",
    },
    "import.crs_forced": {
        "ro": "fișierul spune EPSG:{declared}; a fost citit ca EPSG:{forced} (ales la import)",
        "en": "the file says EPSG:{declared}; read as EPSG:{forced} (as chosen for the import)",
        "hu": "a fájl szerint EPSG:{declared}; EPSG:{forced} rendszerként olvasva (az importnál választva)",
    },
    "import.crs_unknown": {
        "ro": "fișierul nu își spune sistemul de coordonate (.prj lipsă sau necunoscut) și coordonatele nu sunt "
              "{crs} în acest UAT: {crs_hint}",
        "en": "the file does not say its coordinate system (no or unknown .prj) and the coordinates are not {crs} "
              "inside this UAT: {crs_hint}",
        "hu": "a fájl nem adja meg a koordináta-rendszerét (nincs vagy ismeretlen .prj), és a koordináták nem {crs} "
              "rendszerűek ebben a közigazgatási egységben: {crs_hint}",
    },
    "import.prj_missing": {"ro": "lipsește sistemul de coordonate (.prj)", "en": "the coordinate system (.prj) is "
                           "missing", "hu": "hiányzik a koordináta-rendszer (.prj)"},
    "import.prj_unreadable": {"ro": "fișierul .prj nu poate fi citit ca sistem de coordonate",
                              "en": "the .prj file cannot be read as a coordinate system",
                              "hu": "a .prj fájl nem olvasható koordináta-rendszerként"},
    "import.prj_unknown": {"ro": "sistemul de coordonate {name} din .prj nu este unul cunoscut",
                           "en": "the coordinate system {name} of the .prj is not one Teritoriu knows",
                           "hu": "a .prj {name} koordináta-rendszere nem ismert"},
    "import.z_dropped": {"ro": "coordonatele Z au fost eliminate (înălțimile nu se păstrează)",
                         "en": "the Z coordinates were dropped (heights are not stored)",
                         "hu": "a Z koordináták elhagyva (a magasságokat nem tároljuk)"},
    "import.encoding_guessed": {
        "ro": "codarea textului nu era dată (.cpg): citit ca {encoding}; {encoding_hint}",
        "en": "the text encoding was not given (.cpg): read as {encoding}; {encoding_hint}",
        "hu": "a szöveg kódolása nem volt megadva (.cpg): {encoding} kódolással olvasva; {encoding_hint}",
    },
    "import.cpg_unknown": {"ro": "fișierul .cpg numește o codare necunoscută ({cpg}); a fost ghicită",
                           "en": "the .cpg names an unknown encoding ({cpg}); guessed instead",
                           "hu": "a .cpg ismeretlen kódolást nevez meg ({cpg}); helyette kikövetkeztetve"},
    "import.unmapped": {"ro": "câmpuri neutilizate: {fields} (dacă contează, {map_hint})",
                        "en": "fields not used: {fields} (if they matter, {map_hint})",
                        "hu": "nem használt mezők: {fields} (ha számítanak, {map_hint})"},
    "import.empty_layer": {"ro": "stratul {layer} nu are obiecte", "en": "the layer {layer} has no features",
                           "hu": "a(z) {layer} rétegben nincs objektum"},
    "import.empty_layer.dxf": {
        "ro": "desenul nu are nicio polilinie închisă (o parcelă trebuie să fie închisă)",
        "en": "the drawing has no closed polyline (a parcel must be closed)",
        "hu": "a rajzon nincs zárt vonallánc (a parcella legyen zárt)",
    },
    "import.empty_layer.cgxml": {"ro": "fișierul CGXML nu are nicio înregistrare Land",
                                 "en": "the CGXML file has no Land record",
                                 "hu": "a CGXML fájlban nincs Land rekord"},
    "import.incomplete_shapefile": {
        "ro": "{name} vine fără fișierul {missing}: trimiteți toate fișierele stratului",
        "en": "{name} comes without its {missing} file: send all the files of the layer",
        "hu": "{name} a(z) {missing} fájl nélkül érkezett: küldje el a réteg összes fájlját",
    },
    "import.several_texts": {
        "ro": "polilinia are mai multe texte înăuntru ({texts}); primul a fost luat ca număr",
        "en": "the polyline has several texts inside ({texts}); the first was taken as its number",
        "hu": "a vonalláncon belül több szöveg van ({texts}); az első lett a száma",
    },
    "import.arc_densified": {
        "ro": "conturul are arce: au fost desenate prin coarde la cel mult 1 mm de arc",
        "en": "the outline has arcs: they were drawn as chords no farther than 1 mm from the arc",
        "hu": "a körvonalban ívek vannak: legfeljebb 1 mm-re eltérő húrokkal rajzolva",
    },
    "import.dxf_layers": {"ro": "polilinii închise pe straturi de desen: {layers}",
                          "en": "closed polylines by drawing layer: {layers}",
                          "hu": "zárt vonalláncok rajzrétegenként: {layers}"},
    "import.dxf_choose_layer": {
        "ro": "desenul are polilinii închise pe mai multe straturi ({layers}): alegeți stratul parcelelor",
        "en": "the drawing has closed polylines on several layers ({layers}): choose the layer of the parcels",
        "hu": "a rajzon több rétegen van zárt vonallánc ({layers}): válassza ki a parcellák rétegét",
    },
    "import.dxf_layer_unknown": {
        "ro": "desenul nu are nicio polilinie închisă pe stratul {layer}; straturile cu polilinii închise: {layers}",
        "en": "the drawing has no closed polyline on the layer {layer}; its layers with closed polylines: {layers}",
        "hu": "a rajz {layer} rétegén nincs zárt vonallánc; a zárt vonalláncos rétegek: {layers}",
    },
    "import.mapping_unknown_field": {
        "ro": "corespondența numește câmpul {field}, pe care fișierul nu îl are (câmpurile lui: {fields})",
        "en": "the mapping names the field {field}, which the file does not have (its fields: {fields})",
        "hu": "a megfeleltetés a(z) {field} mezőt nevezi meg, amely nincs a fájlban (mezői: {fields})",
    },
    "import.too_large": {"ro": "fișierul este mai mare de {mb} MB", "en": "the file is larger than {mb} MB",
                         "hu": "a fájl nagyobb {mb} MB-nál"},
    "import.empty_file": {"ro": "fișierul este gol", "en": "the file is empty", "hu": "a fájl üres"},
    "import.unknown_format": {
        "ro": "{name} nu este un format pe care Teritoriu îl citește (shapefile arhivat, GeoPackage, GeoJSON, DXF, "
              "CGXML)",
        "en": "{name} is not a format Teritoriu reads (zipped shapefile, GeoPackage, GeoJSON, DXF, CGXML)",
        "hu": "{name} nem olyan formátum, amelyet a Teritoriu olvas (tömörített shapefile, GeoPackage, GeoJSON, "
              "DXF, CGXML)",
    },
    "import.corrupt_dbf": {"ro": "{name} este deteriorat: exportați stratul din nou",
                           "en": "{name} is damaged: export the layer again",
                           "hu": "{name} sérült: exportálja újra a réteget"},
    "import.bad_points": {"ro": "{name}: o înregistrare Points nu are X/Y valide",
                          "en": "{name}: a Points record has no valid X/Y",
                          "hu": "{name}: egy Points rekordnak nincs érvényes X/Y értéke"},
    "import.crs_unknown.transform": {
        "ro": "EPSG:{source} nu poate fi transformat în EPSG:{target}",
        "en": "EPSG:{source} cannot be transformed to EPSG:{target}",
        "hu": "az EPSG:{source} nem transzformálható EPSG:{target} rendszerbe",
    },
    # the archive's and the XML parser's refusals carry their own Romanian and English sentence (the
    # member's name); these are the words of each code, for a reader of another language
    "import.xml_entities": {
        "ro": "fișierul declară un DOCTYPE, entități sau referințe externe: refuzat, nu s-a citit nimic din el",
        "en": "the file declares a DOCTYPE, entities or external references: refused, nothing was read from it",
        "hu": "a fájl DOCTYPE-ot, entitásokat vagy külső hivatkozásokat deklarál: elutasítva, semmi sem lett "
              "beolvasva",
    },
    "import.too_many_members": {"ro": "arhiva are prea multe fișiere", "en": "the archive holds too many files",
                                "hu": "az archívumban túl sok fájl van"},
    "import.zip_slip": {"ro": "un fișier din arhivă ar fi scris în afara dosarului său: refuzat",
                        "en": "an archive member would be written outside its folder: refused",
                        "hu": "egy archívumtag a mappáján kívülre íródna: elutasítva"},
    "import.zip_link": {"ro": "un fișier din arhivă este o legătură simbolică: refuzat",
                        "en": "an archive member is a symbolic link: refused",
                        "hu": "egy archívumtag szimbolikus hivatkozás: elutasítva"},
    "import.encrypted": {"ro": "un fișier din arhivă este criptat: trimiteți-l fără parolă",
                         "en": "an archive member is encrypted: send it without a password",
                         "hu": "egy archívumtag titkosított: küldje jelszó nélkül"},
    "import.zip_bomb": {"ro": "arhiva este refuzată ca posibilă bombă zip; nu s-a dezarhivat nimic",
                        "en": "the archive is refused as a possible zip bomb; nothing was extracted",
                        "hu": "az archívum lehetséges zip-bombaként elutasítva; semmi sem lett kibontva"},
    "import.bad_zip": {"ro": "arhiva zip este deteriorată sau incompletă: trimiteți-o din nou",
                       "en": "the zip archive is damaged or cut short: send it again",
                       "hu": "a zip-archívum sérült vagy hiányos: küldje újra"},
    # --- branch sso ---
    "sso.wrong_credentials": {"ro": "Nume de utilizator sau parolă greșită.", "en": "Wrong user name or password.",
                              "hu": "Hibás felhasználónév vagy jelszó."},
    "sso.directory_unavailable": {
        "ro": "Directorul instituției (LDAP / Active Directory) nu răspunde; reîncercați în câteva minute.",
        "en": "The city hall's directory (LDAP / Active Directory) is not answering; retry in a few minutes.",
        "hu": "Az intézmény címtára (LDAP / Active Directory) nem válaszol; próbálja újra néhány perc múlva."},
    "sso.disabled": {"ro": "Contul este dezactivat în directorul instituției.",
                     "en": "The account is disabled in the city hall's directory.",
                     "hu": "A fiók le van tiltva az intézmény címtárában."},
    "sso.no_group": {"ro": "Contul nu face parte din niciun grup cu acces la Teritoriu.",
                     "en": "The account is in no group with access to Teritoriu.",
                     "hu": "A fiók egyetlen Teritoriu-hozzáférésű csoportnak sem tagja."},
    "sso.inactive": {"ro": "Contul a fost dezactivat în Teritoriu; adresați-vă administratorului.",
                     "en": "The account was deactivated in Teritoriu; ask the administrator.",
                     "hu": "A fiókot a Teritoriuban letiltották; forduljon az adminisztrátorhoz."},
    "sso.name_taken": {"ro": "Numele de utilizator aparține deja unui alt cont din Teritoriu; adresați-vă "
                             "administratorului.",
                       "en": "The user name belongs to another Teritoriu account already; ask the administrator.",
                       "hu": "A felhasználónév már egy másik Teritoriu-fiókhoz tartozik; forduljon az "
                             "adminisztrátorhoz."},
    "sso.no_uat": {"ro": "Grupurile contului numesc UAT-uri care nu există în Teritoriu.",
                   "en": "The account's groups name UATs that do not exist in Teritoriu.",
                   "hu": "A fiók csoportjai olyan UAT-okat neveznek meg, amelyek nem léteznek a Teritoriuban."},
    "sso.method_off": {"ro": "Această metodă de autentificare nu este configurată aici.",
                       "en": "This sign-in method is not configured here.",
                       "hu": "Ez a bejelentkezési mód itt nincs beállítva."},
    "sso.oidc_unavailable": {"ro": "Furnizorul de identitate nu răspunde; reîncercați în câteva minute.",
                             "en": "The identity provider is not answering; retry in a few minutes.",
                             "hu": "Az identitásszolgáltató nem válaszol; próbálja újra néhány perc múlva."},
    "sso.oidc_invalid": {"ro": "Autentificarea prin furnizorul de identitate nu a putut fi verificată; "
                               "încercați din nou.",
                         "en": "The sign-in through the identity provider could not be verified; try again.",
                         "hu": "Az identitásszolgáltatón keresztüli bejelentkezés nem ellenőrizhető; "
                               "próbálja újra."},
    "sso.oidc_no_role": {"ro": "Contul nu are un rol de personal în Teritoriu.",
                         "en": "The account has no staff role in Teritoriu.",
                         "hu": "A fióknak nincs munkatársi szerepköre a Teritoriuban."},
    "totp.wrong_code": {"ro": "Cod greșit sau deja folosit; așteptați codul următor.",
                        "en": "Wrong or already used code; wait for the next one.",
                        "hu": "Hibás vagy már felhasznált kód; várja meg a következőt."},
    "totp.wrong_recovery": {"ro": "Cod de recuperare greșit sau deja folosit.",
                            "en": "Wrong or already used recovery code.",
                            "hu": "Hibás vagy már felhasznált helyreállítási kód."},
    "totp.expired": {"ro": "Pasul de autentificare a expirat; introduceți din nou parola.",
                     "en": "The sign-in step expired; enter your password again.",
                     "hu": "A bejelentkezési lépés lejárt; adja meg újra a jelszavát."},
    # --- branch indicators ---
    "indicators.year": {"ro": "anul trebuie să fie un număr între {low} și {high}",
                        "en": "year must be a number between {low} and {high}",
                        "hu": "az év {low} és {high} közötti szám legyen"},
    "usage.uat": {"ro": "uat trebuie să fie un cod SIRUTA (cifre)", "en": "uat must be a SIRUTA code (digits)",
                  "hu": "az uat SIRUTA-kód legyen (számjegyek)", "ru": "uat должен быть кодом SIRUTA (цифры)"},
    # --- branch phone ---
    # a cadastral number no current parcel carries, but a retired one did (api/parcels.py, gis/retired.py)
    "parcel.retired": {
        "ro": "Numărul cadastral {n} a fost retras la {date}; a devenit: {became}.",
        "en": "Cadastral number {n} was retired on {date}; it became: {became}.",
        "hu": "A(z) {n} helyrajzi szám {date} napon megszűnt; ebből lett: {became}.",
        "ru": "Кадастровый номер {n} упразднён {date}; стал: {became}."},
    "parcel.retired_alone": {
        "ro": "Numărul cadastral {n} a fost retras la {date}; nicio parcelă nu l-a înlocuit.",
        "en": "Cadastral number {n} was retired on {date}; no parcel replaced it.",
        "hu": "A(z) {n} helyrajzi szám {date} napon megszűnt; nem lépett a helyébe parcella.",
        "ru": "Кадастровый номер {n} упразднён {date}; другим участком не заменён."},
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
    # --- branch phone ---
    "verdict_genuine": {"ro": "Document autentic", "en": "Authentic document", "hu": "Hiteles dokumentum"},
    "verdict_different": {"ro": "Verificare eșuată", "en": "Check failed", "hu": "Sikertelen ellenőrzés"},
    "verdict_cancelled": {"ro": "Document anulat", "en": "Cancelled document", "hu": "Érvénytelenített dokumentum"},
}


def verify_texts(lang: str | None = None) -> dict[str, str]:
    lang = lang or request_language()
    return {key: entry.get(lang) or entry["ro"] for key, entry in VERIFY_TEXTS.items()}
