"""Texts of the map pages in Romanian (first), English and Hungarian."""

from __future__ import annotations

LANGUAGES = ("ro", "en", "hu")
LANGUAGE_NAMES = {"ro": "Română", "en": "English", "hu": "Magyar"}

TEXTS: dict[str, dict[str, str]] = {
    "public_map_title": {"ro": "Harta publică", "en": "Public map", "hu": "Nyilvános térkép"},
    "orthophoto": {"ro": "Ortofotoplan", "en": "Orthophoto", "hu": "Ortofotó"},
    "zone_legend": {"ro": "Zone de reglementare (UTR)", "en": "Zoning (UTR)",
                    "hu": "Szabályozási övezetek (UTR)"},
    "language": {"ro": "Limba", "en": "Language", "hu": "Nyelv"},
    "loading": {"ro": "Se încarcă…", "en": "Loading…", "hu": "Betöltés…"},
    "fictional": {"ro": "Date demonstrative, fictive", "en": "Demonstration data (fictional)",
                  "hu": "Bemutató adatok (kitalált)"},
    "load_error": {"ro": "Stratul nu a putut fi încărcat", "en": "The layer could not be loaded",
                   "hu": "A réteg nem tölthető be"},
    "search_label": {"ro": "Caută o adresă, un număr cadastral, o stradă sau o localitate",
                     "en": "Search an address, a cadastral number, a street or a locality",
                     "hu": "Cím, helyrajzi szám, utca vagy település keresése"},
    "search_placeholder": {"ro": "ex. Str. Morii 13 sau 50123", "en": "e.g. Str. Morii 13 or 50123",
                           "hu": "pl. Str. Morii 13 vagy 50123"},
    "search_button": {"ro": "Caută", "en": "Search", "hu": "Keresés"},
    "no_results": {"ro": "Niciun rezultat", "en": "No results", "hu": "Nincs találat"},
    "panel_title": {"ro": "Fișa parcelei", "en": "Parcel sheet", "hu": "Parcella adatlap"},
    "close": {"ro": "Închide", "en": "Close", "hu": "Bezárás"},
    "cadastral_number": {"ro": "Număr cadastral", "en": "Cadastral number", "hu": "Helyrajzi szám"},
    "land_book": {"ro": "Carte funciară", "en": "Land book", "hu": "Telekkönyv"},
    "addresses": {"ro": "Adresă", "en": "Address", "hu": "Cím"},
    "legal_area": {"ro": "Suprafață din acte", "en": "Legal area", "hu": "Okirat szerinti terület"},
    "measured_area": {"ro": "Suprafață măsurată", "en": "Measured area", "hu": "Mért terület"},
    "location": {"ro": "Amplasament", "en": "Location", "hu": "Elhelyezkedés"},
    "intravilan": {"ro": "intravilan", "en": "built-up area (intravilan)", "hu": "belterület"},
    "extravilan": {"ro": "extravilan", "en": "outside the built-up area (extravilan)", "hu": "külterület"},
    "use_category": {"ro": "Categorie de folosință", "en": "Land use", "hu": "Művelési ág"},
    "zoning": {"ro": "Ce se poate construi", "en": "What may be built", "hu": "Mit lehet építeni"},
    "share": {"ro": "din parcelă", "en": "of the parcel", "hu": "a parcellából"},
    "pot": {"ro": "POT maxim", "en": "Max. site coverage (POT)", "hu": "Max. beépítettség (POT)"},
    "cut": {"ro": "CUT maxim", "en": "Max. floor area ratio (CUT)", "hu": "Max. szintterület-mutató (CUT)"},
    "height": {"ro": "Înălțime maximă", "en": "Maximum height", "hu": "Max. építménymagasság"},
    "allowed": {"ro": "Utilizări admise", "en": "Allowed uses", "hu": "Megengedett funkciók"},
    "conditional": {"ro": "Utilizări admise cu condiționări", "en": "Conditional uses",
                    "hu": "Feltételesen megengedett"},
    "forbidden": {"ro": "Utilizări interzise", "en": "Forbidden uses", "hu": "Tiltott funkciók"},
    "approved_by": {"ro": "aprobat prin HCL nr.", "en": "approved by council decision no.",
                    "hu": "jóváhagyta a helyi tanács határozata, sz."},
    "of_date": {"ro": "din", "en": "of", "hu": "kelt"},
    "overrides": {"ro": "Se aplică în locul", "en": "Applies instead of", "hu": "Helyette érvényes:"},
    "restrictions": {"ro": "Restricții", "en": "Restrictions", "hu": "Korlátozások"},
    "no_restrictions": {"ro": "Nicio restricție cunoscută", "en": "No known restriction",
                        "hu": "Nincs ismert korlátozás"},
    "capacity": {"ro": "Capacitate de construire", "en": "Building capacity", "hu": "Beépíthetőség"},
    "max_footprint": {"ro": "Amprentă la sol maximă", "en": "Maximum footprint",
                      "hu": "Max. beépített alapterület"},
    "max_floor": {"ro": "Suprafață construită desfășurată maximă", "en": "Maximum total floor area",
                  "hu": "Max. bruttó szintterület"},
    "built": {"ro": "Construit existent", "en": "Existing buildings", "hu": "Meglévő épületek"},
    "request_cu": {"ro": "Solicită certificat de urbanism", "en": "Request an urbanism certificate",
                   "hu": "Településrendezési bizonyítvány igénylése"},
    "request_cns": {"ro": "Solicită certificat de nomenclatură stradală",
                    "en": "Request a street address certificate", "hu": "Címigazolás igénylése"},
    "print": {"ro": "Tipărește", "en": "Print", "hu": "Nyomtatás"},
    "permalink": {"ro": "Legătură permanentă", "en": "Permanent link", "hu": "Állandó hivatkozás"},
    "no_parcel": {"ro": "Aici nu este o parcelă înregistrată.", "en": "There is no registered parcel here.",
                  "hu": "Itt nincs nyilvántartott parcella."},
    "not_covered": {"ro": "Planurile urbanistice nu acoperă toată parcela.",
                    "en": "The urban plans do not cover the whole parcel.",
                    "hu": "A rendezési tervek nem fedik le a teljes parcellát."},
    "disclaimer": {"ro": "Informare fără valoare juridică; actul oficial este certificatul de urbanism.",
                   "en": "For information only; the legal document is the urbanism certificate.",
                   "hu": "Tájékoztató jellegű; a hivatalos irat a településrendezési bizonyítvány."},
    "tap_hint": {"ro": "Atingeți o parcelă pe hartă sau căutați o adresă.",
                 "en": "Tap a parcel on the map or search an address.",
                 "hu": "Koppintson egy parcellára, vagy keressen címet."},
    "request_title": {"ro": "Cerere de certificat", "en": "Certificate request", "hu": "Igénylés"},
    "request_counter": {"ro": "Cererile online se depun în curând de aici. Până atunci, depuneți cererea la registratura primăriei, menționând numărul cadastral:",
                        "en": "Online requests open here soon. Until then, file the request at the city hall's registry, quoting the cadastral number:",
                        "hu": "Az online igénylés hamarosan itt indul. Addig a polgármesteri hivatal iktatójában nyújtsa be, megadva a helyrajzi számot:"},
    "street_labels": {"ro": "Denumiri de străzi", "en": "Street names", "hu": "Utcanevek"},
    "parcel_labels": {"ro": "Numere cadastrale", "en": "Cadastral numbers", "hu": "Helyrajzi számok"},
    "address_labels": {"ro": "Numere administrative", "en": "House numbers", "hu": "Házszámok"},
    "back_to_map": {"ro": "Înapoi la hartă", "en": "Back to the map", "hu": "Vissza a térképhez"},
}

USE_CATEGORIES: dict[str, dict[str, str]] = {
    "A": {"ro": "arabil", "en": "arable", "hu": "szántó"},
    "P": {"ro": "pășune", "en": "pasture", "hu": "legelő"},
    "F": {"ro": "fâneață", "en": "hayfield", "hu": "kaszáló"},
    "V": {"ro": "vie", "en": "vineyard", "hu": "szőlő"},
    "L": {"ro": "livadă", "en": "orchard", "hu": "gyümölcsös"},
    "PD": {"ro": "pădure", "en": "forest", "hu": "erdő"},
    "CC": {"ro": "curți-construcții", "en": "yards and buildings", "hu": "udvar, beépített terület"},
    "DR": {"ro": "drum", "en": "road", "hu": "út"},
    "CF": {"ro": "cale ferată", "en": "railway", "hu": "vasút"},
    "HR": {"ro": "ape curgătoare", "en": "running water", "hu": "folyóvíz"},
    "HB": {"ro": "ape stătătoare", "en": "standing water", "hu": "állóvíz"},
    "N": {"ro": "neproductiv", "en": "unproductive", "hu": "terméketlen"},
}


def pick_language(requested: str | None) -> str:
    return requested if requested in LANGUAGES else "ro"


def t(key: str, lang: str) -> str:
    entry = TEXTS[key]
    return entry.get(lang) or entry["ro"]
