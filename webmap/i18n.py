"""Texts of the map pages in Romanian (first), English, Hungarian and Russian.

The catalogue holds every language of every national profile; a deployment offers the ones of
its profile (gis.profiles: Romania ro/en/hu, Moldova ro/ru/en). The staff workspace (OFFICE)
has ro/en/hu; other languages fall back to Romanian there."""

from __future__ import annotations

from gis.land_use import CATEGORIES
from gis.profiles import LOCALES  # noqa: F401 - the locale of each language (one table, gis.profiles)

LANGUAGES = ("ro", "en", "hu", "ru")   # the catalogue's; a page offers its profile's
LANGUAGE_NAMES = {"ro": "Română", "en": "English", "hu": "Magyar", "ru": "Русский"}
OFFICE_LANGUAGES = ("ro", "en", "hu")  # the staff workspace's catalogue (OFFICE below)

TEXTS: dict[str, dict[str, str]] = {
    "public_map_title": {"ro": "Harta publică", "en": "Public map", "hu": "Nyilvános térkép", "ru": "Публичная карта"},
    "orthophoto": {"ro": "Ortofotoplan", "en": "Orthophoto", "hu": "Ortofotó", "ru": "Ортофотоплан"},
    "zone_legend": {"ro": "Zone de reglementare (UTR)", "en": "Zoning (UTR)",
                    "hu": "Szabályozási övezetek (UTR)", "ru": "Зоны регулирования (UTR)"},
    "language": {"ro": "Limba", "en": "Language", "hu": "Nyelv", "ru": "Язык"},
    "uat_list": {"ro": "Unități administrativ-teritoriale", "en": "Administrative units",
                 "hu": "Közigazgatási egységek", "ru": "Административно-территориальные единицы"},
    "loading": {"ro": "Se încarcă…", "en": "Loading…", "hu": "Betöltés…", "ru": "Загрузка…"},
    "fictional": {"ro": "Date demonstrative, fictive", "en": "Demonstration data (fictional)",
                  "hu": "Bemutató adatok (kitalált)", "ru": "Демонстрационные данные (вымышленные)"},
    "load_error": {"ro": "Stratul nu a putut fi încărcat", "en": "The layer could not be loaded",
                   "hu": "A réteg nem tölthető be", "ru": "Не удалось загрузить слой"},
    "search_label": {"ro": "Caută o adresă, un număr cadastral, o stradă sau o localitate",
                     "en": "Search an address, a cadastral number, a street or a locality",
                     "hu": "Cím, helyrajzi szám, utca vagy település keresése",
                     "ru": "Поиск адреса, кадастрового номера, улицы или населённого пункта"},
    "search_placeholder": {"ro": "ex. Str. Morii 13 sau 50123", "en": "e.g. Str. Morii 13 or 50123",
                           "hu": "pl. Str. Morii 13 vagy 50123", "ru": "напр. ул. Морий 13 или 50123"},
    "search_button": {"ro": "Caută", "en": "Search", "hu": "Keresés", "ru": "Найти"},
    "no_results": {"ro": "Niciun rezultat", "en": "No results", "hu": "Nincs találat", "ru": "Ничего не найдено"},
    "panel_title": {"ro": "Fișa parcelei", "en": "Parcel sheet", "hu": "Parcella adatlap", "ru": "Карточка участка"},
    "close": {"ro": "Închide", "en": "Close", "hu": "Bezárás", "ru": "Закрыть"},
    "cadastral_number": {"ro": "Număr cadastral", "en": "Cadastral number", "hu": "Helyrajzi szám",
                         "ru": "Кадастровый номер"},
    "land_book": {"ro": "Carte funciară", "en": "Land book", "hu": "Telekkönyv", "ru": "Земельная книга"},
    "addresses": {"ro": "Adresă", "en": "Address", "hu": "Cím", "ru": "Адрес"},
    "legal_area": {"ro": "Suprafață din acte", "en": "Legal area", "hu": "Okirat szerinti terület",
                   "ru": "Площадь по документам"},
    "measured_area": {"ro": "Suprafață măsurată", "en": "Measured area", "hu": "Mért terület",
                      "ru": "Измеренная площадь"},
    "location": {"ro": "Amplasament", "en": "Location", "hu": "Elhelyezkedés", "ru": "Расположение"},
    "intravilan": {"ro": "intravilan", "en": "built-up area (intravilan)", "hu": "belterület",
                   "ru": "в черте населённого пункта (intravilan)"},
    "extravilan": {"ro": "extravilan", "en": "outside the built-up area (extravilan)", "hu": "külterület",
                   "ru": "за чертой населённого пункта (extravilan)"},
    "use_category": {"ro": "Categorie de folosință", "en": "Land use", "hu": "Művelési ág",
                     "ru": "Категория пользования"},
    "zoning": {"ro": "Ce se poate construi", "en": "What may be built", "hu": "Mit lehet építeni",
               "ru": "Что можно строить"},
    "share": {"ro": "din parcelă", "en": "of the parcel", "hu": "a parcellából", "ru": "участка"},
    "pot": {"ro": "POT maxim", "en": "Max. site coverage (POT)", "hu": "Max. beépítettség (POT)",
            "ru": "Макс. процент застройки (POT)"},
    "cut": {"ro": "CUT maxim", "en": "Max. floor area ratio (CUT)", "hu": "Max. szintterület-mutató (CUT)",
            "ru": "Макс. коэффициент использования (CUT)"},
    "height": {"ro": "Înălțime maximă", "en": "Maximum height", "hu": "Max. építménymagasság",
               "ru": "Максимальная высота"},
    "allowed": {"ro": "Utilizări admise", "en": "Allowed uses", "hu": "Megengedett funkciók",
                "ru": "Разрешённые виды использования"},
    "conditional": {"ro": "Utilizări admise cu condiționări", "en": "Conditional uses",
                    "hu": "Feltételesen megengedett", "ru": "Условно разрешённые виды использования"},
    "forbidden": {"ro": "Utilizări interzise", "en": "Forbidden uses", "hu": "Tiltott funkciók",
                  "ru": "Запрещённые виды использования"},
    "approved_by": {"ro": "aprobat prin HCL nr.", "en": "approved by council decision no.",
                    "hu": "jóváhagyta a helyi tanács határozata, sz.", "ru": "утверждён решением совета №"},
    "of_date": {"ro": "din", "en": "of", "hu": "kelt", "ru": "от"},
    "overrides": {"ro": "Se aplică în locul", "en": "Applies instead of", "hu": "Helyette érvényes:",
                  "ru": "Применяется вместо"},
    "restrictions": {"ro": "Restricții", "en": "Restrictions", "hu": "Korlátozások", "ru": "Ограничения"},
    "no_restrictions": {"ro": "Nicio restricție cunoscută", "en": "No known restriction",
                        "hu": "Nincs ismert korlátozás", "ru": "Известных ограничений нет"},
    "capacity": {"ro": "Capacitate de construire", "en": "Building capacity", "hu": "Beépíthetőség",
                 "ru": "Возможности застройки"},
    "max_footprint": {"ro": "Amprentă la sol maximă", "en": "Maximum footprint",
                      "hu": "Max. beépített alapterület", "ru": "Максимальная площадь застройки"},
    "max_floor": {"ro": "Suprafață construită desfășurată maximă", "en": "Maximum total floor area",
                  "hu": "Max. bruttó szintterület", "ru": "Максимальная общая площадь этажей"},
    "built": {"ro": "Construit existent", "en": "Existing buildings", "hu": "Meglévő épületek",
              "ru": "Существующие постройки"},
    "request_cu": {"ro": "Solicită certificat de urbanism", "en": "Request an urbanism certificate",
                   "hu": "Településrendezési bizonyítvány igénylése", "ru": "Запросить градостроительный сертификат"},
    "request_cns": {"ro": "Solicită certificat de nomenclatură stradală", "en": "Request a street address certificate",
                    "hu": "Címigazolás igénylése", "ru": "Запросить справку об адресе"},
    "print": {"ro": "Tipărește", "en": "Print", "hu": "Nyomtatás", "ru": "Печать"},
    "permalink": {"ro": "Legătură permanentă", "en": "Permanent link", "hu": "Állandó hivatkozás",
                  "ru": "Постоянная ссылка"},
    "no_parcel": {"ro": "Aici nu este o parcelă înregistrată.", "en": "There is no registered parcel here.",
                  "hu": "Itt nincs nyilvántartott parcella.", "ru": "Здесь нет зарегистрированного участка."},
    "not_covered": {"ro": "Planurile urbanistice nu acoperă toată parcela.",
                    "en": "The urban plans do not cover the whole parcel.",
                    "hu": "A rendezési tervek nem fedik le a teljes parcellát.",
                    "ru": "Градостроительные планы покрывают не весь участок."},
    "disclaimer": {"ro": "Informare fără valoare juridică; actul oficial este certificatul de urbanism.",
                   "en": "For information only; the legal document is the urbanism certificate.",
                   "hu": "Tájékoztató jellegű; a hivatalos irat a településrendezési bizonyítvány.",
                   "ru": "Только для информации; юридическим документом является градостроительный сертификат."},
    "tap_hint": {"ro": "Atingeți o parcelă pe hartă sau căutați o adresă.",
                 "en": "Tap a parcel on the map or search an address.",
                 "hu": "Koppintson egy parcellára, vagy keressen címet.",
                 "ru": "Нажмите на участок на карте или найдите адрес."},
    "request_title": {"ro": "Cerere de certificat", "en": "Certificate request", "hu": "Igénylés",
                      "ru": "Запрос сертификата"},
    "request_counter": {
                        "ro": "Cererile online se depun în curând de aici. Până atunci, depuneți cererea la "
                              "registratura primăriei, menționând numărul cadastral:",
                        "en": "Online requests open here soon. Until then, file the request at the city hall's "
                              "registry, quoting the cadastral number:",
                        "hu": "Az online igénylés hamarosan itt indul. Addig a polgármesteri hivatal iktatójában "
                              "nyújtsa be, megadva a helyrajzi számot:",
                        "ru": "Онлайн-запросы скоро будут доступны здесь. До тех пор подайте запрос в канцелярию "
                              "примэрии, указав кадастровый номер:"},
    "street_labels": {"ro": "Denumiri de străzi", "en": "Street names", "hu": "Utcanevek", "ru": "Названия улиц"},
    "parcel_labels": {"ro": "Numere cadastrale", "en": "Cadastral numbers", "hu": "Helyrajzi számok",
                      "ru": "Кадастровые номера"},
    "address_labels": {"ro": "Numere administrative", "en": "House numbers", "hu": "Házszámok", "ru": "Номера домов"},
    "back_to_map": {"ro": "Înapoi la hartă", "en": "Back to the map", "hu": "Vissza a térképhez",
                    "ru": "Вернуться к карте"},
    # --- branch phone ---
    "search_min_chars": {"ro": "Scrieți cel puțin 2 caractere.", "en": "Type at least 2 characters.",
                         "hu": "Írjon be legalább 2 karaktert.", "ru": "Введите не менее 2 символов."},
    "zoom_hint": {"ro": "Apropiați harta pentru a vedea parcelele", "en": "Zoom in to see the parcels",
                  "hu": "Nagyítson rá a parcellák megjelenítéséhez", "ru": "Приблизьте карту, чтобы увидеть участки"},
    "sheet_size": {"ro": "Înălțimea fișei", "en": "Sheet height", "hu": "Az adatlap magassága",
                   "ru": "Высота карточки"},
    "sheet_peek": {"ro": "Restrânge fișa", "en": "Collapse the sheet", "hu": "Adatlap összecsukása",
                   "ru": "Свернуть карточку"},
    "sheet_half": {"ro": "Fișa pe jumătate de ecran", "en": "Sheet on half the screen", "hu": "Adatlap félképernyőn",
                   "ru": "Карточка на пол-экрана"},
    "sheet_full": {"ro": "Fișa pe tot ecranul", "en": "Sheet on the whole screen", "hu": "Adatlap teljes képernyőn",
                   "ru": "Карточка на весь экран"},
    "legend": {"ro": "Legendă", "en": "Legend", "hu": "Jelmagyarázat", "ru": "Легенда"},
    "legend_intravilan": {"ro": "Limita intravilanului", "en": "Built-up area (intravilan) limit",
                          "hu": "Belterületi határ", "ru": "Граница населённого пункта (intravilan)"},
    "legend_uat": {"ro": "Limita UAT", "en": "Administrative unit boundary", "hu": "Közigazgatási egység határa",
                   "ru": "Граница административной единицы"},
    "printed_on": {"ro": "tipărit la", "en": "printed on", "hu": "nyomtatva:", "ru": "напечатано"},
    "north": {"ro": "Nord", "en": "North", "hu": "Észak", "ru": "Север"},
}

USE_CATEGORIES = CATEGORIES  # the land-use categories and their names: gis/land_use.py


def pick_language(requested: str | None) -> str:
    return requested if requested in LANGUAGES else "ro"


def t(key: str, lang: str) -> str:
    entry = TEXTS[key]
    return entry.get(lang) or entry["ro"]


# Texts that differ by national profile (the council's act, the certificate's name, examples).
PROFILE_TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "MD": {
        "search_placeholder": {"ro": "ex. str. Morii 13 sau 4591.001.001", "en": "e.g. str. Morii 13 or 4591.001.001",
                               "ru": "напр. ул. Морий 13 или 4591.001.001"},
        "approved_by": {"ro": "aprobat prin decizia consiliului local nr.", "en": "approved by council decision no.",
                        "ru": "утверждён решением местного совета №"},
        "request_cns": {"ro": "Solicită certificat privind adresa", "en": "Request an address certificate",
                        "ru": "Запросить справку об адресе"},
        "land_book": {"ro": "Registrul bunurilor imobile", "en": "Real estate register",
                      "ru": "Реестр недвижимого имущества"},
    },
}


def texts(lang: str, profile: str = "") -> dict[str, str]:
    """Every public-map text in `lang`, with the national profile's own wording where it differs."""
    out = {key: t(key, lang) for key in TEXTS}
    for key, entry in PROFILE_TEXTS.get(profile.upper(), {}).items():
        out[key] = entry.get(lang) or entry["ro"]
    return out


# The staff workspace, gettext-style: the Romanian text is the key (and the fallback).
OFFICE: dict[str, tuple[str, str]] = {  # ro: (en, hu)
    "Editare cadastru": ("Cadastre editing", "Kataszteri szerkesztés"),
    "Cereri": ("Requests", "Kérelmek"),
    "Unelte de editare": ("Editing tools", "Szerkesztőeszközök"),
    "Unelte": ("Tools", "Eszközök"),
    "Selectează": ("Select", "Kijelölés"),
    "Desenează": ("Draw", "Rajzolás"),
    "Coordonate": ("Coordinates", "Koordináták"),
    "Măsoară lungimi": ("Measure lengths", "Hosszmérés"),
    "Măsoară suprafețe": ("Measure areas", "Területmérés"),
    "Adresă nouă": ("New address", "Új cím"),
    "Verifică stratul": ("Check the layer", "Réteg ellenőrzése"),
    "Discrepanțe": ("Discrepancies", "Eltérések"),
    "Modifică vârfurile": ("Edit vertices", "Töréspontok szerkesztése"),
    "Împarte": ("Split", "Megosztás"),
    "Unește": ("Merge", "Egyesítés"),
    "Retrage": ("Retire", "Megszüntetés"),
    "Istoric": ("History", "Előzmények"),
    "Parcele (editabile)": ("Parcels (editable)", "Parcellák (szerkeszthető)"),
    "Date fiscale": ("Fiscal records", "Adóügyi adatok"),
    "Propune adresa": ("Propose the address", "Cím javaslata"),
    "lipește de vecini": ("snap to neighbours", "illesztés a szomszédokhoz"),
    "lipește de vecini ({px} px pe hartă, {m} m la salvare)": (
        "snap to neighbours ({px} px on the map, {m} m on save)",
        "illesztés a szomszédokhoz ({px} px a térképen, {m} m mentéskor)"),
    "Parcela": ("Parcel", "Parcella"),
    "Parcelă nouă": ("New parcel", "Új parcella"),
    "Număr cadastral": ("Cadastral number", "Helyrajzi szám"),
    "Suprafață din acte (m²)": ("Legal area (m²)", "Okirat szerinti terület (m²)"),
    "Categorie de folosință": ("Land use", "Művelési ág"),
    "intravilan": ("built-up area (intravilan)", "belterület"),
    "salvează cu avertismente": ("save with warnings", "mentés figyelmeztetésekkel"),
    "Salvează": ("Save", "Mentés"),
    "Renunță": ("Cancel", "Mégse"),
    "Coordonate Stereo 70": ("Stereo 70 coordinates", "Stereo 70 koordináták"),
    "Un punct pe rând: nr. (opțional), X (nord), Y (est)": (
        "One point per line: no. (optional), X (north), Y (east)",
        "Soronként egy pont: sorszám (nem kötelező), X (észak), Y (kelet)"),
    "Desenează conturul": ("Draw the outline", "Körvonal rajzolása"),
    "Punct de adresă nou": ("New address point", "Új címpont"),
    "Strada": ("Street", "Utca"),
    "Număr": ("Number", "Házszám"),
    "Sufix (A, B…)": ("Suffix (A, B…)", "Betűjel (A, B…)"),
    "Cod poștal": ("Postal code", "Irányítószám"),
    "Adaugă": ("Add", "Hozzáadás"),
    "Probleme": ("Problems", "Problémák"),
    "Eroare": ("Error", "Hiba"),
    "Avertisment": ("Warning", "Figyelmeztetés"),
    "Notă": ("Note", "Megjegyzés"),
    "Nicio parcelă curentă aici.": ("No current parcel here.", "Itt nincs érvényes parcella."),
    "Carte funciară": ("Land book", "Telekkönyv"),
    "Categorie": ("Land use", "Művelési ág"),
    "Intravilan": ("Built-up area", "Belterület"),
    "da": ("yes", "igen"),
    "nu": ("no", "nem"),
    "Suprafață din acte": ("Legal area", "Okirat szerinti terület"),
    "Suprafață măsurată": ("Measured area", "Mért terület"),
    "Perimetru": ("Perimeter", "Kerület"),
    "Versiune": ("Version", "Verzió"),
    "retrasă": ("retired", "megszüntetve"),
    "Parcela {n} a fost salvată (versiunea {v}).": ("Parcel {n} was saved (version {v}).",
                                                    "A(z) {n} parcella mentve ({v}. verzió)."),
    "Parcela a fost modificată între timp (acum versiunea {v}): {what}. Reîncărcați parcela.": (
        "The parcel changed in the meantime (now version {v}): {what}. Reload the parcel.",
        "A parcella időközben megváltozott (most {v}. verzió): {what}. Töltse be újra."),
    "Parcelă din coordonate": ("Parcel from coordinates", "Parcella koordinátákból"),
    "Modifică parcela {n}": ("Edit parcel {n}", "A(z) {n} parcella szerkesztése"),
    "Parcela are mai multe părți: modificați-o prin coordonate.": (
        "The parcel has several parts: edit it with coordinates.",
        "A parcella több részből áll: koordinátákkal szerkessze."),
    "Desenați linia de împărțire peste parcelă, de la o latură la alta (dublu clic termină).": (
        "Draw the dividing line across the parcel, from one side to another (double click ends).",
        "Rajzolja meg az osztóvonalat a parcellán át, oldaltól oldalig (dupla kattintás befejezi)."),
    "Parcela a fost împărțită în: {list}.": ("The parcel was split into: {list}.", "A parcella felosztva: {list}."),
    "Împărțire": ("Split", "Megosztás"),
    "Din documentația cadastrală: numerele, suprafețele din acte și cărțile funciare ale părților. Suprafața lăsată "
    "goală se calculează proporțional cu suprafața măsurată; cartea funciară lăsată goală rămâne „de atribuit”.": (
        "From the cadastral documentation: the pieces' numbers, legal areas and land books. A legal area left empty "
        "is computed in proportion to the measured area; a land book left empty stays \"to be assigned\".",
        "A kataszteri dokumentációból: a részek helyrajzi száma, okirat szerinti területe és telekkönyve. Az üresen "
        "hagyott terület a mért terület arányában számítódik; az üresen hagyott telekkönyv „kiosztandó” marad."),
    "calculată": ("computed", "számított"),
    "calculată proporțional": ("computed in proportion", "arányosan számított"),
    "de atribuit": ("to be assigned", "kiosztandó"),
    "extravilan": ("outside the built-up area", "külterület"),
    "fără parcelă": ("no parcel", "parcella nélkül"),
    "Nicio înregistrare legată nu se mută.": ("No linked record moves.", "Egyetlen kapcsolt adat sem kerül át."),
    "Se mută legăturile:": ("These links move:", "Átkerülő kapcsolatok:"),
    "Numărul cadastral a aparținut unei parcele retrase. Îl refolosiți, cum cere documentația?": (
        "The cadastral number belonged to a retired parcel. Reuse it, as the documentation requires?",
        "A helyrajzi szám egy megszüntetett parcelláé volt. Újra felhasználja, ahogy a dokumentáció előírja?"),
    "{n}: suprafață din acte {a} m² (suma părților), CF {cf}, {where}.": (
        "{n}: legal area {a} m² (the sum of the parts'), land book {cf}, {where}.",
        "{n}: okirat szerinti terület {a} m² (a részek összege), telekkönyv {cf}, {where}."),
    "Confirmă unirea": ("Confirm the merge", "Egyesítés megerősítése"),
    "Unire": ("Merge", "Egyesítés"),
    "Clic pe parcelele vecine de unit.": ("Click the neighbouring parcels to merge.",
                                         "Kattintson az egyesítendő szomszédos parcellákra."),
    "Număr cadastral nou": ("New cadastral number", "Új helyrajzi szám"),
    "Parcelele au fost unite în {n}.": ("The parcels were merged into {n}.", "A parcellák egyesítve: {n}."),
    "Retrageți parcela {n}? Rămâne în istoric.": ("Retire parcel {n}? It stays in the history.",
                                                  "Megszünteti a(z) {n} parcellát? Az előzményekben megmarad."),
    "Parcela a fost retrasă.": ("The parcel was retired.", "A parcella megszüntetve."),
    "De la": ("From", "Ettől"),
    "Arată": ("Show", "Mutat"),
    "Restaurează": ("Restore", "Visszaállítás"),
    "Provine din:": ("Comes from:", "Előzmény:"),
    "A devenit:": ("Became:", "Ebből lett:"),
    "Versiunea {v} a fost restaurată.": ("Version {v} was restored.", "A(z) {v}. verzió visszaállítva."),
    "Date personale: consultarea este înregistrată.": ("Personal data: this view is logged.",
                                                       "Személyes adatok: a megtekintés naplózva."),
    "Registrul agricol": ("Agricultural register", "Mezőgazdasági nyilvántartás"),
    "Impozit pe teren": ("Land tax", "Telekadó"),
    "An": ("Year", "Év"), "Poziție": ("Entry", "Tétel"), "Tarla": ("Block (tarla)", "Dűlő (tarla)"),
    "Cat.": ("Use", "Műv. ág"), "Deținător": ("Holder", "Birtokos"), "Contribuabil": ("Taxpayer", "Adózó"),
    "Rol": ("Tax roll", "Adószámla"), "Lei": ("Lei", "Lej"), "Rest": ("Due", "Hátralék"),
    "Adresă propusă": ("Proposed address", "Javasolt cím"),
    "{label} (partea cu numere {side}, între {a} și {b})": (
        "{label} ({side} side, between {a} and {b})", "{label} ({side} oldal, {a} és {b} között)"),
    "impare": ("odd", "páratlan"), "pare": ("even", "páros"),
    "Adaugă punctul de adresă": ("Add the address point", "Címpont hozzáadása"),
    "Clic pe hartă unde este intrarea (punctul de adresă).": (
        "Click the map where the entrance is (the address point).",
        "Kattintson a térképre a bejáratnál (címpont)."),
    "Adresa {a} a fost adăugată.": ("The address {a} was added.", "A(z) {a} cím hozzáadva."),
    "Suprafață {a} m², perimetru {p} m": ("Area {a} m², perimeter {p} m", "Terület {a} m², kerület {p} m"),
    "Lungime {l} m": ("Length {l} m", "Hossz {l} m"),
    "Tip": ("Kind", "Típus"), "toate": ("all", "mind"),
    "suprapunere": ("overlap", "átfedés"), "gol (fâșie)": ("gap (sliver)", "rés (sáv)"),
    "fâșie între vecini": ("sliver between neighbours", "sáv a szomszédok között"),
    "geometrie invalidă": ("invalid geometry", "érvénytelen geometria"), "număr dublu": ("duplicate number",
                                                                                        "ismétlődő szám"),
    "fără impunere": ("no tax assessment", "nincs adókivetés"),
    "suprafață diferită": ("area mismatch", "eltérő terület"),
    "categorie diferită": ("category mismatch", "eltérő művelési ág"),
    "teren în afara parcelelor": ("plot outside the parcels", "parcellán kívüli tábla"),
    "Verificarea stratului": ("Layer check", "Rétegellenőrzés"),
    "Se verifică stratul…": ("Checking the layer…", "A réteg ellenőrzése…"),
    "{n} probleme găsite în UAT.": ("{n} problems found in the UAT.", "{n} probléma a közigazgatási egységben."),
    "{n} probleme găsite în zona desenată.": ("{n} problems found in the drawn area.",
                                             "{n} probléma a megrajzolt területen."),
    "Parcele": ("Parcels", "Parcellák"),
    "{n} discrepanțe între registre ({y}).": ("{n} discrepancies between the registers ({y}).",
                                              "{n} eltérés a nyilvántartások között ({y})."),
    "Discrepanțe cadastru – registru agricol – impozit": (
        "Discrepancies: cadastre – agricultural register – tax",
        "Eltérések: kataszter – mezőgazdasági nyilvántartás – adó"),
    "Nr. cadastral": ("Cadastral no.", "Hrsz."), "Poziție RA": ("Register entry", "Nyilv. tétel"),
    "Detaliu": ("Detail", "Részlet"),
    "Clic pe o parcelă pentru a o selecta.": ("Click a parcel to select it.", "Kattintson egy parcellára."),
    # the import pages (templates/_import_report.html, import_review.html, _upload_form.html)
    "Raport": ("Report", "Jelentés"), "Raport import": ("Import report", "Importjelentés"),
    "Stare": ("Status", "Állapot"), "obiecte": ("features", "objektum"),
    "noi": ("new", "új"), "modificate": ("changed", "módosult"), "neschimbate": ("unchanged", "változatlan"),
    "retrase": ("retired", "megszüntetett"), "erori": ("errors", "hiba"),
    "avertismente": ("warnings", "figyelmeztetés"),
    "reproiectat din": ("reprojected from", "átvetítve innen:"), "codare": ("encoding", "kódolás"),
    "câmpuri neutilizate": ("fields not used", "nem használt mezők"), "Gravitate": ("Severity", "Súlyosság"),
    "Strat": ("Layer", "Réteg"), "Nr.": ("No.", "Sz."), "Problema": ("Problem", "Probléma"),
    "în verificare": ("being checked", "ellenőrzés alatt"), "respins (erori)": ("rejected (errors)",
                                                                              "elutasítva (hibák)"),
    "verificat (fără erori)": ("checked (no errors)", "ellenőrizve (hiba nélkül)"),
    "așteaptă aprobarea": ("waiting for approval", "jóváhagyásra vár"), "importat": ("imported", "importálva"),
    "respins de ofițer": ("discarded by an officer", "ügyintéző elutasította"), "eșuat": ("failed", "sikertelen"),
    "Importuri": ("Imports", "Importok"),
    "Corespondența câmpurilor": ("Field mapping", "Mezőmegfeleltetés"),
    "Coloana din fișier": ("Column of the file", "A fájl oszlopa"), "Câmpul din Teritoriu": ("Teritoriu field",
                                                                                            "Teritoriu-mező"),
    "(nefolosită)": ("(not used)", "(nem használt)"),
    "Stratul de desen cu parcelele": ("Drawing layer of the parcels", "A parcellák rajzrétege"),
    "Verifică din nou": ("Check again", "Újraellenőrzés"),
    "Trimiteți un fișier corectat": ("Send a corrected file", "Küldjön javított fájlt"),
    "acceptă contururile din fișier (reproiectate) în locul celor legale": (
        "accept the file's (reprojected) outlines instead of the legal ones",
        "a fájl (átvetített) körvonalainak elfogadása a jogiak helyett"),
    "Acceptă și importă": ("Accept and import", "Elfogadás és importálás"), "Respinge": ("Discard", "Elutasítás"),
    # --- branch cert ---
    "Avize și acorduri (F.6, secțiunea 5 lit. d)": ("Approvals and agreements (F.6, section 5 d)",
                                                    "Engedélyek és hozzájárulások (F.6, 5. szakasz d)"),
    "Bifați avizele pe care le cere certificatul; lista este a județului și a restricțiilor care afectează imobilul.": (
        "Tick the approvals the certificate asks for; the list is the county's and the restrictions' on the property.",
        "Jelölje be a tanúsítvány által előírt engedélyeket; a lista a megyéé és az ingatlant érintő korlátozásoké."),
    "Salvează avizele": ("Save the approvals", "Engedélyek mentése"),
    "Verdictul privind scopul declarat": ("Verdict on the declared purpose", "Döntés a bejelentett célról"),
    "Terenul": ("The land", "A telek"),
    "poate fi utilizat în scopul declarat": ("may be used for the declared purpose",
                                             "a bejelentett célra használható"),
    "nu poate fi utilizat în scopul declarat": ("may not be used for the declared purpose",
                                                "a bejelentett célra nem használható"),
    "Motivul (se tipărește pe certificat)": ("Reason (printed on the certificate)", "Indoklás (a tanúsítványra kerül)"),
    "Înregistrează verdictul": ("Record the verdict", "Döntés rögzítése"),
    "Prelungire": ("Extension", "Meghosszabbítás"),
    "prelungit până la {until} prin {reference}": ("extended until {until} by {reference}",
                                                   "meghosszabbítva {until}-ig: {reference}"),
    "Exemplarul prelungit (PDF)": ("The extended copy (PDF)", "A meghosszabbított példány (PDF)"),
    "Cererea de prelungire (nr. și data înregistrării)": ("Extension request (registry no. and date)",
                                                          "Meghosszabbítási kérelem (iktatószám és dátum)"),
    "Depusă la data": ("Filed on", "Benyújtva"),
    "Durata (luni)": ("Duration (months)", "Időtartam (hónap)"),
    "Prelungește": ("Extend", "Meghosszabbítás"),
    "data cererii trebuie să fie o dată, iar durata un număr de luni": (
        "the request's date must be a date and the duration a number of months",
        "a kérelem dátuma dátum, az időtartam hónapok száma legyen"),
    "numai un certificat emis se prelungește": ("only an issued certificate can be extended",
                                                "csak kiadott tanúsítvány hosszabbítható meg"),
    # the rules' refusals (gis.certificates: CertificateError templates) shown on the desk
    "avizele se aleg înainte de emitere": ("the approvals are chosen before issuing",
                                           "az engedélyeket a kiadás előtt kell kiválasztani"),
    "certificatul nu are o listă de avize de ales": ("this certificate has no list of approvals to choose from",
                                                     "ennek a tanúsítványnak nincs választható engedélylistája"),
    "aviz necunoscut pentru acest județ: {keys}": ("an approval unknown for this county: {keys}",
                                                   "ismeretlen engedély ebben a megyében: {keys}"),
    "verdictul (may_use) trebuie să fie true (poate) sau false (nu poate)": (
        "choose whether the land may or may not be used for the declared purpose",
        "válassza ki, hogy a telek használható-e a bejelentett célra"),
    "motivul este obligatoriu ({low}–{high} caractere)": ("the reason is required ({low}–{high} characters)",
                                                         "az indoklás kötelező ({low}–{high} karakter)"),
    "cererea este {state}: verdictul se modifică înainte de emitere": (
        "the request is {state}: the verdict is changed before issuing",
        "a kérelem állapota {state}: a döntés csak a kiadás előtt módosítható"),
    "verdictul privind scopul declarat se dă numai certificatului de urbanism": (
        "a verdict on the declared purpose belongs to an urbanism certificate only",
        "a bejelentett célról csak településrendezési bizonyítványban lehet dönteni"),
    "cererea este {state}: plata se înregistrează înainte de emitere": (
        "the request is {state}: the payment is recorded before issuing",
        "a kérelem állapota {state}: a befizetést a kiadás előtt kell rögzíteni"),
    "cererea se emite numai după verificare: trimiteți-o întâi la verificare": (
        "a request is issued only after review: send it to review first",
        "a kérelem csak ellenőrzés után adható ki: először küldje ellenőrzésre"),
    "o cerere {state} nu poate deveni {to}": ("a request that is {state} cannot become {to}",
                                              "{state} állapotú kérelem nem lehet {to}"),
    "nu se poate emite: plata taxei nu este înregistrată (setarea UAT-ului)": (
        "cannot issue: no payment of the fee is recorded (the UAT's setting)",
        "nem adható ki: a díj befizetése nincs rögzítve (a UAT beállítása)"),
    "indicați actul prin care se prelungește (de ex. cererea nr. … din …)": (
        "name the act that extends it (e.g. request no. … of …)",
        "adja meg a meghosszabbító iratot (pl. … számú, … keltű kérelem)"),
    "nu există un certificat de urbanism emis cu acest cod de verificare": (
        "no urbanism certificate was issued under this verification code",
        "ezzel az ellenőrző kóddal nem adtak ki településrendezési bizonyítványt"),
    "certificatul de urbanism nr. {label} a fost anulat: nu se poate prelungi": (
        "urbanism certificate no. {label} was cancelled: it cannot be extended",
        "a(z) {label} számú bizonyítványt érvénytelenítették: nem hosszabbítható meg"),
    "certificatul de urbanism nr. {label} a fost prelungit deja, până la {until}; se prelungește o singură dată: "
    "solicitați un certificat nou": (
        "urbanism certificate no. {label} was already extended, until {until}; it is extended once only: "
        "ask for a new certificate",
        "a(z) {label} számú bizonyítványt már meghosszabbították ({until}-ig); csak egyszer hosszabbítható: "
        "kérjen új bizonyítványt"),
    "certificatul de urbanism nr. {label} a expirat la {expiry}: solicitați un certificat nou": (
        "urbanism certificate no. {label} expired on {expiry}: ask for a new certificate",
        "a(z) {label} számú bizonyítvány {expiry}-én lejárt: kérjen új bizonyítványt"),
    "prelungirea se cere cu cel puțin {days} zile înainte de expirare ({expiry}), deci până la {last}": (
        "an extension is asked for at least {days} days before expiry ({expiry}), so by {last}",
        "a meghosszabbítást legalább {days} nappal a lejárat ({expiry}) előtt, azaz {last}-ig kell kérni"),
    "prelungirea se acordă pentru cel mult {months} luni": ("an extension is granted for {months} months at most",
                                                           "a meghosszabbítás legfeljebb {months} hónap"),
    # --- branch sso ---
    "Utilizator": ("User name", "Felhasználónév"), "Parola": ("Password", "Jelszó"), "Intrare": ("Sign in", "Belépés"),
    "Tipul contului": ("Account type", "Fiók típusa"),
    "Cont local Teritoriu": ("Teritoriu local account", "Helyi Teritoriu-fiók"),
    "Cont de domeniu (Active Directory / LDAP)": ("Domain account (Active Directory / LDAP)",
                                                  "Tartományi fiók (Active Directory / LDAP)"),
    "Intrare cu {label}": ("Sign in with {label}", "Belépés ezzel: {label}"),
    "A doua etapă de autentificare": ("Second sign-in step", "Második bejelentkezési lépés"),
    "Codul din aplicația de autentificare (6 cifre)": ("The code from the authenticator app (6 digits)",
                                                       "A hitelesítő alkalmazás kódja (6 számjegy)"),
    "sau un cod de recuperare": ("or a recovery code", "vagy egy helyreállítási kód"),
    "Verifică": ("Verify", "Ellenőrzés"),
    "Conturile de administrator folosesc un al doilea factor. Scanați codul QR cu o aplicație de autentificare "
    "(de exemplu FreeOTP, Aegis, Google Authenticator) sau introduceți cheia de mai jos, apoi scrieți codul afișat.": (
        "Administrator accounts use a second factor. Scan the QR code with an authenticator app (for example "
        "FreeOTP, Aegis, Google Authenticator) or type the key below, then enter the code it shows.",
        "Az adminisztrátori fiókok második tényezőt használnak. Olvassa be a QR-kódot egy hitelesítő alkalmazással "
        "(például FreeOTP, Aegis, Google Authenticator), vagy írja be az alábbi kulcsot, majd adja meg a kódot."),
    "Cheia secretă (afișată o singură dată)": ("Secret key (shown only once)", "Titkos kulcs (csak egyszer látható)"),
    "Coduri de recuperare": ("Recovery codes", "Helyreállítási kódok"),
    "Păstrați aceste coduri într-un loc sigur: fiecare deschide o singură sesiune dacă pierdeți telefonul. "
    "Nu vor mai fi afișate.": (
        "Keep these codes in a safe place: each opens one session if you lose your phone. They will not be shown "
        "again.",
        "Tartsa biztonságos helyen ezeket a kódokat: mindegyik egy munkamenetet nyit meg, ha elveszíti a telefonját. "
        "Többé nem jelennek meg."),
    "Continuă": ("Continue", "Tovább"),
    # --- branch indicators ---
    "Indicatori": ("Indicators", "Mutatók"),
    "Indicatori de serviciu": ("Service indicators", "Szolgáltatási mutatók"),
    "Anul": ("Year", "Év"), "Luna": ("Month", "Hónap"),
    "Indicator": ("Indicator", "Mutató"), "Total": ("Total", "Összesen"), "Anual": ("Year", "Éves"),
    "Pe scurt, pe UAT": ("At a glance, by UAT", "Áttekintés, közigazgatási egységenként"),
    "Harta publică pe luni": ("The public map by month", "A nyilvános térkép havonta"),
    "Cereri pe luni": ("Requests by month", "Kérelmek havonta"),
    "Cereri pe tip și canal": ("Requests by type and channel", "Kérelmek típus és csatorna szerint"),
    "Timpi de soluționare": ("Processing times", "Ügyintézési idők"),
    "Importuri și editări": ("Imports and edits", "Importok és szerkesztések"),
    "Utilizarea API OGC pe chei de instituție": ("OGC API use by agency key",
                                                 "OGC API-használat intézményi kulcsonként"),
    "sesiuni": ("sessions", "munkamenetek"), "căutări": ("searches", "keresések"),
    "fișe de parcelă deschise": ("parcel sheets opened", "megnyitott parcella-adatlapok"),
    "cereri înregistrate": ("requests registered", "iktatott kérelmek"),
    "emise": ("issued", "kiadva"), "anulate": ("cancelled", "visszavonva"),
    "online": ("online", "online"), "la ghișeu": ("at the counter", "ügyfélszolgálaton"),
    "mediana (zile)": ("median (days)", "medián (nap)"), "percentila 90 (zile)": ("90th percentile (days)",
                                                                                  "90. percentilis (nap)"),
    "peste termen": ("past the deadline", "határidőn túl"), "neachitate": ("unpaid", "kifizetetlen"),
    "termen legal (zile)": ("legal deadline (days)", "törvényes határidő (nap)"),
    "celelalte tipuri": ("the other types", "a többi típus"),
    "importuri": ("imports", "importok"), "importuri finalizate": ("imports committed", "véglegesített importok"),
    "editări": ("edits", "szerkesztések"), "utilizări": ("uses", "használatok"),
    "Descarcă CSV": ("Download CSV", "CSV letöltése"), "Descarcă JSON": ("Download JSON", "JSON letöltése"),
    "Nicio utilizare cu cheie API în acest an.": ("No use with an API key this year.",
                                                  "Ebben az évben nem volt API-kulcsos használat."),
    "Sesiunile și căutările se numără fără cookie-uri și fără a păstra adrese sau identificatori.": (
        "Sessions and searches are counted without cookies and without keeping addresses or identifiers.",
        "A munkameneteket és kereséseket sütik nélkül, címek és azonosítók tárolása nélkül számoljuk."),
}


def office_texts(lang: str) -> dict[str, str]:
    """The staff workspace's texts in `lang` (empty for Romanian: the keys are the texts)."""
    if lang not in ("en", "hu"):
        return {}
    i = 0 if lang == "en" else 1
    return {ro: pair[i] for ro, pair in OFFICE.items()}


def tr(text: str, lang: str, **values) -> str:
    out = office_texts(lang).get(text, text) if lang != "ro" else text
    return out.format(**values) if values else out
