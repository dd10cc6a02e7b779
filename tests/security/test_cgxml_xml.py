"""Issue 17, item 12: XML attacks in a CGXML upload. The DOCTYPE guard scanned only the first
64 KB, so a 70 KB comment before a DOCTYPE let an internal entity be expanded into CADGENNO.
Every DTD, entity and external reference is refused wherever it stands in the file, with a
message in Romanian first; a right CGXML from data-samples/ still imports."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from gis.settings import PROJECT_ROOT
from importers.model import ImportRefused
from importers.pipeline import Options, analyse_and_merge
from importers.read import read_source

SAMPLES = sorted((PROJECT_ROOT / "data-samples" / "cgxml").glob("*.cgxml"))
SAMPLE = SAMPLES[0]
NUMBER = SAMPLE.stem.split("-")[1]
INJECTED = "779913"  # a number no other test uses (the browser tests draw 777777)
# A comment longer than the old 64 KB window; it names <CGXML> early, as the attacker's did, so the
# file is recognised as CGXML by its first bytes.
COMMENT = "<!-- <CGXML> export " + "x" * 70 * 1024 + " -->\n"

DOCTYPES = {
    "internal_entity": f'<!DOCTYPE CGXML [<!ENTITY nr "{INJECTED}">]>',
    "billion_laughs": "<!DOCTYPE CGXML [" + '<!ENTITY nr0 "lol">'
                      + "".join(f'<!ENTITY nr{i} "' + f"&nr{i - 1};" * 10 + '">' for i in range(1, 10)) + "]>",
    "external_file": '<!DOCTYPE CGXML [<!ENTITY nr SYSTEM "file://{secret}">]>',
    "external_dtd": '<!DOCTYPE CGXML SYSTEM "file://{secret}">',
    "parameter_entity": '<!DOCTYPE CGXML [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>',
}
USE = {"internal_entity": "&nr;", "billion_laughs": "&nr9;", "external_file": "&nr;", "external_dtd": NUMBER,
       "parameter_entity": NUMBER}


def hostile(folder: Path, attack: str, *, comment: bool) -> tuple[Path, Path]:
    """A sample CGXML with a DOCTYPE (after a 70 KB comment or at the top) whose entity is used as
    the cadastral number. Returns the file and the local file the external references aim at."""
    secret = folder / "secret.txt"
    secret.write_text("SECRET-LOCAL-FILE")
    body = SAMPLE.read_text(encoding="utf-8")
    declaration, rest = body.split("\n", 1)
    assert declaration.startswith("<?xml") and f"<CADGENNO>{NUMBER}</CADGENNO>" in rest
    rest = rest.replace(f"<CADGENNO>{NUMBER}</CADGENNO>", f"<CADGENNO>{USE[attack]}</CADGENNO>")
    doctype = DOCTYPES[attack].replace("{secret}", str(secret))
    path = folder / f"imobil-{attack}.cgxml"
    path.write_text(declaration + "\n" + (COMMENT if comment else "") + doctype + "\n" + rest, encoding="utf-8")
    return path, secret


@pytest.mark.parametrize("comment", [True, False], ids=["after_70KB_comment", "at_the_top"])
@pytest.mark.parametrize("attack", sorted(DOCTYPES))
def test_a_dtd_anywhere_in_a_cgxml_is_refused(tmp_path, attack, comment):
    path, _ = hostile(tmp_path, attack, comment=comment)
    with pytest.raises(ImportRefused) as info:
        read_source(path, "parcels", workdir=tmp_path / "work")
    note = info.value.notes[0]
    assert note.code == "xml_entities", note
    message = str(info.value)
    assert message.index("entități") < message.index("entities") and "DOCTYPE" in message, message
    assert INJECTED not in message and "SECRET" not in message and "lol" not in message


def test_the_attack_inside_a_zip_is_refused_too(tmp_path):
    path, _ = hostile(tmp_path, "internal_entity", comment=True)
    archive = tmp_path / "cgxml.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(path, path.name)
    with pytest.raises(ImportRefused) as info:
        read_source(archive, "parcels", workdir=tmp_path / "work")
    assert info.value.notes[0].code == "xml_entities"


def test_the_attack_through_the_import_pipeline_is_rejected_and_changes_nothing(loaded, engine, tmp_path):
    """The original attack, replayed end to end: nothing named by the entity reaches the database."""
    path, _ = hostile(tmp_path, "internal_entity", comment=True)
    count = "SELECT count(*), coalesce(sum(version), 0) FROM cadastre.parcel"
    with engine.connect() as c:
        before = c.execute(text(count)).one()
    report, _ = analyse_and_merge(loaded, path, Options(), "test:security", commit=True)
    assert report.status == "rejected"
    assert [p.code for p in report.errors] == ["xml_entities"]
    with engine.connect() as c:
        assert c.execute(text(count)).one() == before
        assert c.execute(text("SELECT count(*) FROM cadastre.parcel WHERE cadastral_number = :n"),
                         {"n": INJECTED}).scalar() == 0


def test_a_comment_before_the_root_is_still_read(tmp_path):
    """Comments and processing instructions are harmless: a long comment alone does not refuse."""
    declaration, rest = SAMPLE.read_text(encoding="utf-8").split("\n", 1)
    path = tmp_path / "comentat.cgxml"
    path.write_text(declaration + "\n" + COMMENT + rest, encoding="utf-8")
    land = next(x for x in read_source(path, "parcels", workdir=tmp_path / "work") if x.kind == "parcels")
    assert land.frame["cadastral_number"].tolist() == [NUMBER]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_every_sample_cgxml_is_read(sample, tmp_path):
    layers = {x.kind: x for x in read_source(sample, "parcels", workdir=tmp_path / "work")}
    assert "parcels" in layers and set(layers) <= {"parcels", "buildings", "addresses"}
    assert layers["parcels"].frame["cadastral_number"].tolist() == [sample.stem.split("-")[1]]
    assert not [n for x in layers.values() for n in x.notes if n.severity == "error"]


# imobil-51397 and imobil-51590 are refused today for overlaps of 0.01-0.19 m² left by coordinates
# rounded to the millimetre: issue 20, item 1, not the XML parser (they are read above).
RIGHT = [p for p in SAMPLES if p.name in ("imobil-50586.cgxml", "imobil-50634.cgxml")]


def test_the_right_sample_cgxml_files_still_import(loaded, tmp_path):
    """Right sample CGXML files, zipped together, through the whole pipeline with commit: every
    feature is found and matches the sample commune (which holds them already)."""
    assert len(RIGHT) == 2
    archive = tmp_path / "cgxml.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for sample in RIGHT:
            z.write(sample, sample.name)
    report, _ = analyse_and_merge(loaded, archive, Options(), "test:security", commit=True)
    assert report.ok and report.status == "committed", report.text()
    assert report.summary["features"] >= 3 * len(RIGHT)
    assert report.summary["unchanged"] == report.summary["features"]
