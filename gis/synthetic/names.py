"""Romanian names and format-valid fake identifiers (CNP, CUI) for the synthetic commune.

Everything here is fictional; CNPs and CUIs have correct control digits but are made up.
"""

from __future__ import annotations

import numpy as np

# "Principală" is kept for each village's main road (layout.build_streets)
STREET_NAMES = list(dict.fromkeys([
    "Morii", "Teilor", "Școlii", "Bisericii", "Mihai Eminescu", "Unirii",
    "Libertății", "Florilor", "Viilor", "Livezii", "Izvorului", "Crișului", "Avram Iancu",
    "Nicolae Bălcescu", "Ion Creangă", "George Coșbuc", "Tudor Vladimirescu", "Horea",
    "Câmpului", "Pădurii", "Salcâmilor", "Nucilor", "Fântânii", "Gării", "Primăverii",
    "Trandafirilor", "Cireșilor", "Stejarului", "Brazilor", "Mărului", "Dealului", "Văii",
    "Păcii", "Zorilor", "Lalelelor", "Mestecenilor", "Plopilor", "Prunilor", "Garoafelor",
    "Crinului", "Ciocârliei", "Rândunelelor", "Morarilor", "Olarilor", "Fierarilor",
    "Dacilor", "Traian", "Decebal", "Ștefan cel Mare", "Mihai Viteazul", "Vasile Alecsandri",
    "Lucian Blaga", "Octavian Goga", "Andrei Mureșanu", "Iuliu Maniu", "Emanuil Gojdu",
    "Ady Endre", "Petőfi Sándor", "Kossuth Lajos", "Arany János", "Sălajului", "Bihorului",
    "Oradiei", "Beiușului", "Sportului", "Tineretului", "Meseriașilor", "Agricultorilor",
    "Cooperativei", "Grădinarilor", "Stadionului", "Cimitirului", "Pieței", "Podului",
    "Râului", "Lacului", "Luncii", "Țarinii", "Hotarului", "Ogorului", "Viitorului",
    "Speranței", "Armoniei", "Înfrățirii", "Revoluției", "Independenței", "1 Decembrie 1918",
    "Aurel Vlaicu", "Constantin Brâncuși", "Henri Coandă", "Iosif Vulcan",
]))
STREET_TYPES = ["Strada", "Aleea", "Ulița", "Drumul", "Intrarea", "Calea"]
FORMER_NAMES = ["Lenin", "Republicii", "23 August", "Armata Roșie", "Gheorghe Gheorghiu-Dej",
                "Karl Marx", "Tractoriștilor", "Colectivizării", "Frăției Româno-Sovietice"]
VILLAGE_NAMES = ["Valea Verde", "Dealu Mare", "Poienița", "Izvoru Crișului", "Lunca Teilor",
                 "Țărmure", "Făget", "Mărgineni"]
MALE = ["Ion", "Gheorghe", "Vasile", "Mihai", "Ioan", "Nicolae", "Florin", "Alexandru",
        "Ștefan", "Dan", "Cristian", "Adrian", "Călin", "Sorin", "Teodor", "Zoltán", "István"]
FEMALE = ["Maria", "Elena", "Ioana", "Ana", "Mihaela", "Florica", "Viorica", "Cristina",
          "Andreea", "Rodica", "Lăcrămioara", "Ileana", "Gabriela", "Erzsébet", "Ilona"]
SURNAMES = ["Popa", "Pop", "Popescu", "Ionescu", "Mureșan", "Bălaș", "Crișan", "Tăut", "Sabău",
            "Bogdan", "Moldovan", "Lazăr", "Suciu", "Toma", "Buda", "Mihuț", "Chirilă",
            "Ardelean", "Oprea", "Țărău", "Șerban", "Nagy", "Kovács", "Szabó", "Tóth",
            "Pașca", "Ilieș", "Gavra", "Bucur", "Hodișan", "Borz", "Negruț", "Rus", "Ungur"]
COMPANY_WORDS = ["Agro", "Cereal", "Câmpia", "Crișana", "Bihor", "Prod", "Serv", "Construct",
                 "Ferma", "Lacto", "Viticola", "Silva", "Trans", "Comerț"]
COMPANY_FORMS = ["SRL", "SA", "SRL-D"]

CNP_WEIGHTS = np.array([2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9])
CUI_WEIGHTS = np.array([7, 5, 3, 2, 1, 7, 5, 3, 2])
BIHOR = 5  # county code in the CNP


def cnp_control(first12: str) -> int:
    total = int(np.dot(CNP_WEIGHTS, [int(c) for c in first12]))
    rest = total % 11
    return 1 if rest == 10 else rest


def valid_cnp(cnp: str) -> bool:
    return len(cnp) == 13 and cnp.isdigit() and cnp_control(cnp[:12]) == int(cnp[12])


def make_cnp(rng: np.random.Generator, female: bool, serial: int) -> str:
    year = int(rng.integers(1935, 2006))
    sex = (2 if female else 1) if year < 2000 else (6 if female else 5)
    month, day = int(rng.integers(1, 13)), int(rng.integers(1, 29))
    first12 = f"{sex}{year % 100:02d}{month:02d}{day:02d}{BIHOR:02d}{serial % 1000:03d}"
    return first12 + str(cnp_control(first12))


def cui_control(body: str) -> int:
    digits = [int(c) for c in body.rjust(9, "0")]
    rest = int(np.dot(CUI_WEIGHTS, digits)) * 10 % 11
    return 0 if rest == 10 else rest


def valid_cui(cui: str) -> bool:
    cui = cui.removeprefix("RO")
    return 2 <= len(cui) <= 10 and cui.isdigit() and cui_control(cui[:-1]) == int(cui[-1])


def make_cui(rng: np.random.Generator) -> str:
    body = str(int(rng.integers(1_000_000, 49_999_999)))
    return body + str(cui_control(body))


def street_name(i: int) -> tuple[str, str]:
    """The i-th (type, name) of a locality: unique for any i."""
    base = STREET_NAMES[i % len(STREET_NAMES)]
    kind = STREET_TYPES[(i // len(STREET_NAMES)) % len(STREET_TYPES)]
    rnd = i // (len(STREET_NAMES) * len(STREET_TYPES))
    return kind, base if rnd == 0 else f"{base} {rnd + 1}"
