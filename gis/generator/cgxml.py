"""A few generated immovables as ANCPI CGXML exchange files (root <CGXML>, flat records with
upper-case fields, "_empty" for null, X = northing and Y = easting as surveyors write them)."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.polygon import orient

from gis.generator.layout import SIRUTA_UAT


def _record(root: ET.Element, tag: str, fields: list[tuple[str, object]]) -> None:
    el = ET.SubElement(root, tag)
    for name, value in fields:
        ET.SubElement(el, name).text = "_empty" if value is None or value == "" else str(value)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _ring(geom) -> np.ndarray:
    """Vertices of the outer ring, clockwise from the north-westernmost, without the closing one."""
    poly = geom.geoms[0] if hasattr(geom, "geoms") else geom
    xy = shapely.get_coordinates(orient(poly, sign=-1.0).exterior)[:-1]
    start = int(np.argmax(xy[:, 1] - xy[:, 0]))
    return np.roll(xy, -start, axis=0)


def choose(layers: dict) -> list[str]:
    """Cadastral numbers of: a house with an annex and an address, a house whose number has a
    suffix (or another house), an unbuilt intravilan garden, an extravilan strip."""
    parcels = layers["parcels"].sort_values("cadastral_number")
    buildings = layers["buildings"]
    addresses = layers["address_points"]
    annexed = set(buildings.loc[buildings["building_no"] == 2, "cadastral_number"])
    addressed = set(addresses["cadastral_number"])
    suffixed = set(addresses.loc[addresses["suffix"] != "", "cadastral_number"])
    built = set(buildings["cadastral_number"])
    numbers = parcels["cadastral_number"]
    picks: list[str] = []

    def first(candidates) -> None:
        for c in candidates:
            if c not in picks:
                picks.append(c)
                return

    first(c for c in numbers if c in annexed and c in addressed)
    first(c for c in numbers if c in suffixed and c in built and c not in annexed)
    first(c for c in numbers if c in built and c not in annexed)
    garden = parcels["intravilan"] & parcels["use_category"].isin(["A", "L", "V"])
    first(numbers[garden & ~numbers.isin(built)])
    first(numbers[~parcels["intravilan"] & (parcels["use_category"] == "A")])
    return picks[:4] if len(picks) > 4 else picks


def write_cgxml(layers: dict, taxpayers: pd.DataFrame, assessments: pd.DataFrame, out: Path,
                date: str = "2026-10-15") -> list[Path]:
    folder = out / "cgxml"
    folder.mkdir(parents=True, exist_ok=True)
    parcels = layers["parcels"].set_index("cadastral_number")
    buildings = layers["buildings"]
    addresses = layers["address_points"].set_index("cadastral_number")
    streets = layers["streets"].set_index("street_code")
    localities = layers["localities"].set_index("siruta")
    owner_of = assessments.set_index("cadastral_number")["taxpayer_code"]
    people = taxpayers.set_index("taxpayer_code")
    written = []
    for land_id, number in enumerate(choose(layers), start=1):
        p = parcels.loc[number]
        root = ET.Element("CGXML")
        _record(root, "FileDescription", [
            ("SIRUTA", SIRUTA_UAT), ("DATE", date), ("CGXMLVERSION", "3"),
            ("AUTHORIZATIONNO", "RO-BH-F-0420 (fictiv)"),
            ("NOTES", "Date fictive generate de Teritoriu (exemplu)")])
        address_id = None
        if number in addresses.index:
            a = addresses.loc[[number]].iloc[0]
            s = streets.loc[a["street_code"]]
            address_id = 1
            _record(root, "Address", [
                ("ADDRESSID", address_id), ("SIRUTA", s["locality_siruta"]), ("SIRSUP", SIRUTA_UAT),
                ("INTRAVILAN", "true"), ("STREETTYPE", s["street_type"]), ("STREETNAME", s["name"]),
                ("POSTALNUMBER", f"{a['number']}{a['suffix']}"), ("BLOCK", None), ("ENTRY", None),
                ("FLOOR", None), ("APNO", None), ("ZIPCODE", a["postal_code"]),
                ("DESCRIPTION", f"sat {localities.loc[s['locality_siruta'], 'name']}")])
        measured = round(float(p.geometry.area), 2)
        _record(root, "Land", [
            ("LANDID", land_id), ("CADGENNO", number), ("E2IDENTIFIER", p["eterra_id"]),
            ("PAPERCADNO", None), ("PAPERLBNO", p["land_book_number"]), ("TOPONO", None),
            ("CADSECTOR", None), ("MEASUREDAREA", measured), ("PARCELLEGALAREA", p["legal_area"]),
            ("ISNEW", "false"), ("ENCLOSED", _flag(p["intravilan"])), ("ADDRESSID", address_id),
            ("NOTES", None)])
        _record(root, "Parcel", [
            ("PARCELID", 1), ("LANDID", land_id), ("NUMBER", 1), ("MEASUREDAREA", measured),
            ("USECATEGORY", p["use_category"]), ("INTRAVILAN", _flag(p["intravilan"])),
            ("TITLENO", None), ("LANDPLOTNO", p["tarla"]), ("PARCELNO", p["parcel_no"]),
            ("NOTES", None)])
        mine = buildings[buildings["cadastral_number"] == number].sort_values("building_no")
        for b_id, b in enumerate(mine.itertuples(), start=1):
            footprint = round(float(b.geometry.area), 2)
            _record(root, "Building", [
                ("BUILDINGID", b_id), ("LANDID", land_id), ("BUILDNO", b.building_no),
                ("MEASUREDAREA", footprint), ("TOTALAREA", round(footprint * b.levels, 2)),
                ("BUILDINGDESTINATION", b.destination), ("LEVELSNO", b.levels),
                ("ISLEGAL", _flag(b.is_legal)), ("ADDRESSID", address_id if b.building_no == 1 else None)])
        point_id = 0
        outlines = [(None, p.geometry)] + [(i, b.geometry) for i, b in
                                           enumerate(mine.itertuples(), start=1)]
        for building_id, geom in outlines:
            for order, (x, y) in enumerate(_ring(geom), start=1):
                point_id += 1
                _record(root, "Points", [
                    ("POINTID", point_id), ("IMMOVABLEID", land_id), ("BUILDINGID", building_id),
                    ("NO", order), ("X", f"{y:.3f}"), ("Y", f"{x:.3f}")])
        if number in owner_of.index:
            code = owner_of.loc[number]
            person = people.loc[code]
            physical = person["kind"] == "PF"
            last, _, first = person["name"].partition(" ")
            _record(root, "Person", [
                ("PERSONID", 1), ("ISPHYSICAL", _flag(physical)),
                ("FIRSTNAME", first if physical else None),
                ("LASTNAME", last if physical else person["name"]),
                ("IDCODE", person["id_code"]), ("NOTES", "persoană fictivă")])
            _record(root, "Deed", [
                ("DEEDID", 1), ("DEEDNUMBER", str(100 + land_id * 37)), ("DEEDDATE", "2004-06-17"),
                ("DEEDTYPE", "Contract de vânzare-cumpărare"),
                ("AUTHORITY", "Birou notarial fictiv, Oradea")])
            _record(root, "Registration", [
                ("REGISTRATIONID", 1), ("LANDID", land_id), ("PERSONID", 1), ("DEEDID", 1),
                ("LBPARTNO", 2), ("REGISTRATIONTYPE", "INTABULARE"), ("RIGHTTYPE", "PROPRIETATE"),
                ("QUOTA", "1/1")])
        ET.indent(root)
        path = folder / f"imobil-{number}.cgxml"
        ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
        written.append(path)
    return written
