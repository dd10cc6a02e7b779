"""Romanian names for the synthetic commune, and format-valid but fake identifiers.

Every name here is generic (the kind found in any Romanian commune) and every person, company,
CNP and CUI the generator makes from them is fictional. Diacritics use comma-below ș/ț
(U+0219/U+021B), never the cedilla forms ş/ţ.
"""

from __future__ import annotations

import numpy as np

UAT_NAME = "Comuna Valea Verde"
COUNTY = "Bihor"
COUNTY_CNP_CODE = 5  # Bihor in the CNP's county field ("05")

VILLAGE_NAMES = ["Valea Verde", "Livada Crișului", "Poienița Nouă", "Săliștea de Jos",
                 "Dealu Ulmilor", "Izvoru Teilor", "Fântâna Rece", "Lunca Mică"]

STREET_TYPES = ["Strada", "Aleea", "Ulița", "Intrarea", "Drumul", "Calea", "Piața"]
STREET_TYPE_WEIGHTS = [0.62, 0.11, 0.08, 0.09, 0.05, 0.03, 0.02]

# (type, name) pairs every seat village has first: what a visitor expects to find.
ICONIC_STREETS = [("Strada", "Morii"), ("Strada", "Școlii"), ("Ulița", "Bisericii"),
                  ("Aleea", "Teilor"), ("Strada", "Mihai Eminescu"), ("Strada", "Unirii"),
                  ("Piața", "Centrală"), ("Calea", "Oradiei"), ("Drumul", "Viilor"),
                  ("Intrarea", "Fântânii")]

STREET_NAMES = [
    # things and places
    "Florilor", "Livezii", "Izvorului", "Câmpului", "Pădurii", "Salciei", "Plopilor", "Nucilor",
    "Castanilor", "Liliacului", "Trandafirilor", "Crinului", "Zorilor", "Primăverii", "Păcii",
    "Libertății", "Independenței", "Tineretului", "Sportului", "Văii", "Dealului", "Luncii",
    "Grădinilor", "Cireșilor", "Merilor", "Prunilor", "Stejarului", "Fagului", "Bradului",
    "Mesteacănului", "Arinului", "Frasinului", "Ulmului", "Viitorului", "Speranței", "Prieteniei",
    "Recoltei", "Holdelor", "Secerișului", "Pescarilor", "Vânătorilor", "Meșteșugarilor",
    "Olarilor", "Fierarilor", "Dogarilor", "Morarilor", "Păstorilor", "Crișului", "Barcăului",
    "Apusenilor", "Bihorului", "Beiușului", "Cimitirului", "Fabricii", "Lacului", "Podului",
    "Pârâului", "Ogorului", "Brazdei", "Spicului", "Macului", "Socului", "Gutuiului", "Teiului",
    "Viei", "Fânețelor", "Islazului", "Țarinii", "Hotarului", "Poienii", "Răsăritului", "Apusului",
    "Soarelui", "Lunii", "Stelelor", "Cerbului", "Ciocârliei", "Privighetorii", "Rândunelelor",
    "Cocorilor", "Berzei", "Zambilelor", "Lalelelor", "Garoafelor", "Narciselor", "Bujorului",
    "Mușcatei", "Busuiocului", "Iederii", "Măceșului", "Murelor", "Fragilor", "Căpșunilor",
    "Albinelor", "Stupinei", "Grânarului", "Cuptorului", "Fântânița", "Ulmeni", "Șesului",
    "Țesătorilor", "Cojocarilor", "Tâmplarilor", "Zidarilor", "Învățătorilor", "Eroilor",
    "1 Decembrie 1918", "1 Mai", "9 Mai", "Revoluției", "Bisericii Vechi", "Școlii Noi",
    # people
    "Ion Creangă", "George Coșbuc", "Lucian Blaga", "Octavian Goga", "Avram Iancu",
    "Mihai Viteazul", "Ștefan cel Mare", "Alexandru Ioan Cuza", "Nicolae Bălcescu",
    "Tudor Vladimirescu", "Horea", "Cloșca", "Iuliu Maniu", "Vasile Goldiș", "Emanuil Gojdu",
    "Iosif Vulcan", "Ciprian Porumbescu", "George Enescu", "Nicolae Iorga", "Mihail Kogălniceanu",
    "Vasile Alecsandri", "Ion Luca Caragiale", "Liviu Rebreanu", "Titu Maiorescu",
    "Andrei Mureșanu", "Gheorghe Lazăr", "Gheorghe Doja", "Traian", "Decebal",
    "Ecaterina Teodoroiu", "Aurel Vlaicu", "Henri Coandă", "Traian Vuia", "Ioan Slavici",
    "Petru Rareș", "Constantin Brâncoveanu", "Matei Basarab", "Mircea cel Bătrân",
    "Iancu de Hunedoara", "Samuil Micu", "Gheorghe Șincai", "Petru Maior", "Badea Cârțan",
    "Dimitrie Cantemir", "Spiru Haret", "Nicolae Grigorescu", "Mihai Pavel", "Ioan Ciordaș",
    "Teodor Neș", "Aurel Lazăr", "Iosif Popovici-Desseanu",
]

# Names the communist years gave and the 1990s took back (former names of renamed streets).
FORMER_STREET_NAMES = ["Gheorghe Gheorghiu-Dej", "23 August", "Armata Roșie", "Tractoriștilor",
                       "Colectiviștilor", "Partizanilor", "Steagul Roșu", "6 Martie",
                       "Petru Groza", "Vasile Roaită", "Ilie Pintilie", "Gospodăriei Colective",
                       "Cooperativei", "Frontul Plugarilor", "Electrificării", "Nouă",
                       "Proletarilor", "Republicii Populare", "Victoriei Socialismului",
                       "Filimon Sârbu"]

MALE = ["Ion", "Gheorghe", "Vasile", "Ioan", "Nicolae", "Mihai", "Constantin", "Florin",
        "Alexandru", "Dan", "Ștefan", "Cristian", "Adrian", "Marius", "Daniel", "Ionuț",
        "Răzvan", "Cătălin", "Sorin", "Petru", "Teodor", "Aurel", "Iosif", "Dumitru", "Viorel",
        "Cornel", "Lucian", "Bogdan", "Andrei", "Radu", "Emil", "Traian", "Liviu", "Ovidiu",
        "Cosmin", "Gavril", "Ilie", "Mircea", "Sebastian", "Tudor"]
FEMALE = ["Maria", "Elena", "Ioana", "Ana", "Mariana", "Florica", "Viorica", "Ștefania",
          "Cătălina", "Anișoara", "Daniela", "Gabriela", "Rodica", "Lenuța", "Aurelia", "Floarea",
          "Angela", "Carmen", "Simona", "Alina", "Andreea", "Cristina", "Mihaela", "Raluca",
          "Teodora", "Irina", "Lavinia", "Diana", "Corina", "Larisa", "Ileana", "Paraschiva",
          "Veronica", "Nicoleta", "Georgeta", "Otilia", "Marioara", "Felicia", "Valeria", "Ionela"]
SURNAMES = ["Pop", "Popa", "Popovici", "Sabău", "Tripon", "Indrieș", "Bulzan", "Cheregi",
            "Crăciun", "Marc", "Pantea", "Ardelean", "Moldovan", "Oros", "Ciurte", "Bara",
            "Mureșan", "Crișan", "Bogdan", "Lazăr", "Chiș", "Bodea", "Borz", "Cucu", "Dărăban",
            "Faur", "Gale", "Hodișan", "Iancu", "Jurca", "Lăzău", "Mihuț", "Negruțiu", "Oprea",
            "Pașca", "Roman", "Suciu", "Șerban", "Tămaș", "Ungur", "Vidican", "Zăvoian", "Bănuț",
            "Cotrău", "Duma", "Filip", "Groza", "Herman", "Ivașcu", "Laza",
            "Maghiar", "Nistor", "Olah", "Petrica", "Rusu", "Sălăgean", "Todor", "Vancea",
            "Covaciu", "Fodor", "Gavra", "Hanga", "Ile", "Lupșa", "Matei", "Noje", "Pârvu",
            "Rad", "Sas", "Tulcan", "Bujor", "Codrea", "Dobra", "Erdei", "Florea", "Gherman"]
HONORIFICS = ["", "", "", "Dr. ", "Prof. ", "Preot ", "Învățător "]

COMPANY_WORDS = ["Agro", "Crișul", "Cereal", "Ferma", "Valea", "Verde", "Bihor", "Lacto",
                 "Pomi", "Construct", "Trans", "Silva", "Apicola", "Vinicola", "Mecanica",
                 "Semințe", "Câmpia", "Holda", "Spicul", "Izvorul", "Grâul", "Prod", "Com",
                 "Serv", "Invest", "Nord", "Vest", "Lemn", "Bio", "Eco"]
COMPANY_FORMS = ["SRL", "SRL", "SRL", "SA", "SRL-D", "SCA"]

OTHER_TOWNS = {"Oradea": "jud. Bihor", "Beiuș": "jud. Bihor", "Salonta": "jud. Bihor",
               "Marghita": "jud. Bihor", "Aleșd": "jud. Bihor", "Cluj-Napoca": "jud. Cluj",
               "Arad": "jud. Arad", "Timișoara": "jud. Timiș", "București": "sector 3"}

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
         "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX"]

CNP_WEIGHTS = np.array([2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9])
CUI_WEIGHTS = np.array([7, 5, 3, 2, 1, 7, 5, 3, 2])


def roman(n: int) -> str:
    """1..N as Roman numerals (volumes of the agricultural register; rarely above XX)."""
    if 1 <= n <= len(ROMAN):
        return ROMAN[n - 1]
    values = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
              (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for v, s in values:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def street_name_pool(rng: np.random.Generator, n: int, seat: bool) -> list[tuple[str, str]]:
    """`n` (street type, name) pairs with names unique in the list.

    The curated names come first (the seat starts with the iconic ones); when a large village
    needs more, streets honour fictional local personalities ("Strada Prof. Ioan Sabău")."""
    taken = {"Principală"}
    pairs: list[tuple[str, str]] = []
    if seat:
        pairs = [p for p in ICONIC_STREETS]
        taken |= {name for _, name in pairs}
    curated = [s for s in STREET_NAMES + [name for _, name in ICONIC_STREETS] if s not in taken]
    curated = [curated[i] for i in rng.permutation(len(curated))]
    types = rng.choice(STREET_TYPES, size=len(curated), p=STREET_TYPE_WEIGHTS)
    for t, name in zip(types, curated, strict=True):
        pairs.append((str(t), name))
        taken.add(name)
    # generated personalities, in a seeded order, for very large villages
    i = 0
    while len(pairs) < n:
        batch = 4 * (n - len(pairs)) + 16
        first = np.where(rng.random(batch) < 0.8, rng.choice(MALE, batch), rng.choice(FEMALE, batch))
        last = rng.choice(SURNAMES, batch)
        hon = rng.choice(HONORIFICS, batch)
        kinds = rng.choice(STREET_TYPES, size=batch, p=STREET_TYPE_WEIGHTS)
        for h, f, s, t in zip(hon, first, last, kinds, strict=True):
            name = f"{h}{f} {s}"
            if name not in taken:
                taken.add(name)
                pairs.append((str(t), name))
                if len(pairs) >= n:
                    break
        i += 1
        if i > 50:  # the personalities run out only past ~60,000 streets per village
            base = len(pairs)
            pairs += [("Strada", f"Nouă {roman(k + 1)}") for k in range(n - base)]
    return pairs[:n]


# -- CNP (cod numeric personal) --------------------------------------------------------------
def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """(n, width) matrix of the decimal digits of non-negative integers, most significant first."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values.astype(np.int64)[:, None] // powers) % 10


def make_cnps(rng: np.random.Generator, female: np.ndarray, birth_year: np.ndarray) -> np.ndarray:
    """Format-valid fake CNPs (S YY MM DD JJ NNN C) with county 05 (Bihor), unique in the array."""
    n = len(female)
    female = np.asarray(female, bool)
    birth_year = np.asarray(birth_year, np.int64)
    out = np.empty(n, dtype=object)
    todo = np.arange(n)
    seen: set[str] = set()
    while len(todo):
        m = len(todo)
        y = birth_year[todo]
        sex = np.where(y >= 2000, 5, 1) + female[todo]
        month = rng.integers(1, 13, m)
        day = rng.integers(1, 29, m)
        serial = rng.integers(1, 1000, m)
        body = (sex * 10**11 + (y % 100) * 10**9 + month * 10**7 + day * 10**5
                + COUNTY_CNP_CODE * 10**3 + serial)
        control = (_digits(body, 12) * CNP_WEIGHTS).sum(axis=1) % 11
        control[control == 10] = 1
        codes = (body * 10 + control).astype(str)
        retry = []
        for i, code in zip(todo, codes, strict=True):
            if code in seen:
                retry.append(i)
            else:
                seen.add(code)
                out[i] = code
        todo = np.array(retry, dtype=np.int64)
    return out.astype(str)


def valid_cnp(cnp: str) -> bool:
    """The CNP control digit (weights 279146358279, sum mod 11, 10 → 1) and plausible fields."""
    if len(cnp) != 13 or not cnp.isdigit() or cnp[0] == "0":
        return False
    d = np.array([int(c) for c in cnp])
    control = int((d[:12] * CNP_WEIGHTS).sum() % 11)
    month, day = int(cnp[3:5]), int(cnp[5:7])
    return (1 if control == 10 else control) == d[12] and 1 <= month <= 12 and 1 <= day <= 31


# -- CUI (cod unic de înregistrare) ------------------------------------------------------------
def cui_control(body: np.ndarray) -> np.ndarray:
    """Control digit of CUI bodies (the CUI without its last digit, up to 9 digits)."""
    control = (_digits(np.asarray(body), 9) * CUI_WEIGHTS).sum(axis=1) * 10 % 11
    return np.where(control == 10, 0, control)


def make_cuis(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` distinct format-valid fake CUIs of 8 digits."""
    body = rng.choice(np.arange(1_000_000, 5_000_000), size=n, replace=False)
    return (body * 10 + cui_control(body)).astype(str)


def valid_cui(cui: str) -> bool:
    cui = cui.removeprefix("RO")
    if not cui.isdigit() or not 2 <= len(cui) <= 10:
        return False
    return int(cui_control(np.array([int(cui[:-1])]))[0]) == int(cui[-1])
