"""Field mapping: the names surveyors and designers use for each canonical attribute, matched
case-insensitively and ignoring `_`, `-`, spaces and diacritics. `--mapping FILE.json`
({"SOURCE_FIELD": "canonical_name"}) wins; columns matching nothing are listed in the report."""

from __future__ import annotations

import unicodedata

from importers.model import ImportRefused

_CADASTRAL = ("NR_CAD", "NRCAD", "CAD_NO", "NR_CADASTRAL", "NUMAR_CAD", "NR_IE", "CADGENNO", "IE")
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "parcels": {
        "cadastral_number": _CADASTRAL,
        "land_book_number": ("NR_CF", "CF", "NRCF", "PAPERLBNO", "CARTE_FUNCIARA"),
        "legal_area": ("S_ACTE", "SUP_ACTE", "SUPRAFATA", "LEGAL_AREA", "PARCELLEGALAREA", "SUPRAFATA_ACTE"),
        "measured_area": ("S_MAS", "SUP_MAS", "MEASUREDAREA", "SUPRAFATA_MASURATA"),
        "use_category": ("CATEGORIE", "CAT_FOL", "USECATEGORY", "CATEGORY", "CAT"),
        "intravilan": ("INTRAVILAN", "INTRA", "INTRAV"),
        "tarla": ("TARLA", "T", "LANDPLOTNO"),
        "parcel_no": ("PARCELA", "P", "PARCELNO", "NR_PARCELA"),
        "eterra_id": ("E2IDENTIFIER", "ETERRA", "ID_ETERRA"),
    },
    "buildings": {
        "cadastral_number": _CADASTRAL,
        "building_no": ("BUILDNO", "NR_CORP", "C", "CORP", "NR_C"),
        "destination": ("BUILDINGDESTINATION", "DESTINATIE", "DEST"),
        "levels": ("LEVELSNO", "NR_NIVELE", "NIVELE"),
        "is_legal": ("ISLEGAL", "LEGAL", "AUTORIZAT"),
    },
    "addresses": {
        "street_type": ("STREETTYPE", "TIP_STR", "TIP_STRADA", "TIP"),
        "street_name": ("STREETNAME", "STRADA", "DENUMIRE", "DEN_STR", "NUME_STRADA"),
        "number": ("POSTALNUMBER", "NR", "NUMAR", "NR_POSTAL", "NR_ADM"),
        "suffix": ("SUFIX", "SUFFIX"),
        "postal_code": ("ZIPCODE", "COD_POSTAL", "CODPOSTAL"),
    },
    "streets": {
        "street_type": ("STREETTYPE", "TIP_STR", "TIP_STRADA", "TIP"),
        "name": ("DENUMIRE", "NUME", "STREETNAME", "STRADA", "NAME"),
        "code": ("COD", "RENNS", "COD_STRADA", "CODE"),
        "hcl_number": ("HCL", "NR_HCL", "HCL_NR"),
        "hcl_date": ("DATA_HCL", "HCL_DATA", "HCL_DATE"),
        "locality": ("LOCALITATE", "SAT", "LOCALITY", "SIRUTA_SAT", "SIRUTA_LOC"),
    },
    "zones": {
        "code": ("UTR", "COD_UTR", "CODE", "COD"),
        "functional_zone": ("FUNCTIUNE", "ZONA", "ZONA_FUNCTIONALA", "FUNCTIONAL_ZONE"),
        "name": ("DENUMIRE", "NUME"),
        "pot_max": ("POT", "POT_MAX", "POTMAX"),
        "cut_max": ("CUT", "CUT_MAX", "CUTMAX"),
        "max_height_m": ("H_MAX", "HMAX", "INALTIME", "INALTIME_MAX"),
        "height_regime": ("REGIM_H", "RH", "REGIM_INALTIME"),
        "document": ("DOCUMENT", "PUZ", "PUG", "DOC"),
    },
    "agri": {
        "code": ("COD", "COD_RA"),
        "agri_role": ("ROL", "POZITIE", "POZ_RA"),
        "tarla": ("TARLA", "T", "LANDPLOTNO"),
        "parcel_no": ("PARCELA", "P", "PARCELNO"),
        "use_category": ("CATEGORIE", "CAT_FOL", "USECATEGORY", "CAT"),
        "legal_area": ("SUPRAFATA", "SUP", "S_DECL", "SUPRAFATA_DECLARATA"),
        "year": ("AN", "YEAR"),
        "cadastral_number": _CADASTRAL,
    },
}


def norm(name: str) -> str:
    plain = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.upper() if ch.isalnum())


def targets(kind: str) -> list[str]:
    """The canonical fields a layer of `kind` may carry (the mapping form's choices)."""
    return list(ALIASES.get(kind, {}))


def map_fields(frame, kind: str, mapping: dict[str, str] | None = None):
    """(frame with canonical column names, unmapped source columns, {source column: canonical})."""
    columns = [c for c in frame.columns if c != frame.geometry.name]
    by_norm = {norm(c): c for c in columns}
    aliases = ALIASES.get(kind, {})
    renames: dict[str, str] = {}
    taken: set[str] = set()
    for source, target in (mapping or {}).items():
        column = source if source in columns else by_norm.get(norm(source))
        if column is None:
            raise ImportRefused(f"the mapping names the field {source!r}, which the file does not have "
                                f"(its fields: {', '.join(columns) or 'none'})", "mapping_unknown_field",
                                params={"field": source, "fields": ", ".join(columns) or "-"})
        renames[column] = target
        taken.add(target)
    for canonical, names in aliases.items():
        if canonical in taken:
            continue
        for alias in (canonical, *names):  # the first alias present wins; the others stay unmapped
            column = by_norm.get(norm(alias))
            if column is not None and column not in renames:
                renames[column] = canonical
                taken.add(canonical)
                break
    unmapped = [c for c in columns if c not in renames]
    return frame.rename(columns=renames), unmapped, renames
