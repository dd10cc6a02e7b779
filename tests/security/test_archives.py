"""Issue 17, item 11: zip bombs an outside attacker sent to the import upload. The check used to
skip members under 1 MB, so 300 members of a megabyte of zeros (about 325 KB zipped) were all
written out. Each archive is built here; every refusal happens before a member is opened, in
Romanian first, and leaves nothing on disk or in the database."""

from __future__ import annotations

import random
import struct
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from importers.archive import extract_zip
from importers.model import DEFAULT_LIMITS, ImportRefused, Limits
from importers.pipeline import Options, analyse_and_merge


def zeros_zip(path: Path, members: int, size: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        chunk = bytes(size)
        for i in range(members):
            z.writestr(f"strat/zero-{i:03}.dbf", chunk)
    return path


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """The names of the members read (decompressed) while the test runs."""
    names: list[str] = []
    real = zipfile.ZipFile.open

    def spy(self, name, mode="r", *args, **kwargs):
        if mode == "r":                        # the tests' own writing is not counted
            names.append(getattr(name, "filename", name))
        return real(self, name, mode, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    return names


def written(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def assert_romanian_first(exc: ImportRefused, romanian: str, english: str) -> None:
    message = str(exc)
    assert romanian in message and english in message, message
    assert message.index(romanian) < message.index(english), "Romanian first, then English"
    assert exc.notes[0].message == message


def test_three_hundred_small_members_of_zeros_are_refused_before_anything_is_extracted(tmp_path, opened):
    bomb = zeros_zip(tmp_path / "bomb.zip", 300, 1_000_000)      # 300 MB of zeros, under 1 MB each
    assert bomb.stat().st_size < 400_000, "the attack: about 325 KB on the wire"
    with pytest.raises(ImportRefused) as info:
        extract_zip(bomb, tmp_path / "out")
    assert info.value.notes[0].code == "zip_bomb"
    assert_romanian_first(info.value, "bombă zip", "zip bomb")
    assert opened == [] and written(tmp_path / "out") == []


def test_a_small_member_is_held_to_the_compression_ratio_too(tmp_path, opened):
    """One member of 200 KB of zeros (ratio about 300) beside an ordinary file: no size is exempt."""
    bomb = tmp_path / "mic.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("parcele.prj", b'PROJCS["Stereo_70"]')
        z.writestr("parcele.dbf", bytes(200_000))
    member = zipfile.ZipFile(bomb).getinfo("parcele.dbf")
    assert member.file_size > DEFAULT_LIMITS.max_ratio * member.compress_size
    with pytest.raises(ImportRefused) as info:
        extract_zip(bomb, tmp_path / "out")
    assert info.value.notes[0].code == "zip_bomb" and "parcele.dbf" in str(info.value)
    assert opened == [] and written(tmp_path / "out") == []


def test_an_archive_of_ordinary_layers_under_the_limits_still_extracts(tmp_path):
    """Text that compresses about as well as a real DBF (ratio 10 to 40) passes the ratio check."""
    rng = random.Random(17)
    rows = b"".join(f"{rng.randint(10000, 99999):>10}{'A':<20}{rng.random():>12.3f}".encode() for _ in range(20000))
    archive = tmp_path / "bun.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("parcele/parcele.dbf", rows)
        z.writestr("parcele/parcele.cpg", b"UTF-8")
    out = extract_zip(archive, tmp_path / "out")
    assert (out / "parcele" / "parcele.dbf").read_bytes() == rows


def test_the_default_limits_bound_what_a_small_upload_can_write():
    """A 2 MB upload could once write 2 GB; every member now answers to the ratio, and the whole
    archive to a total well under the old 2 GB."""
    assert DEFAULT_LIMITS.max_total_bytes <= 1024 ** 3
    assert DEFAULT_LIMITS.max_ratio * 2 * 1024 ** 2 <= 512 * 1024 ** 2
    assert DEFAULT_LIMITS.max_members <= 2000


def test_the_total_size_is_capped_across_members_each_under_the_ratio(tmp_path, opened):
    """Incompressible members: no member's ratio is high, the sum is what is refused."""
    rng = random.Random(11)
    archive = tmp_path / "mare.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        for i in range(5):
            z.writestr(f"f{i}.dbf", rng.randbytes(50_000))
    with pytest.raises(ImportRefused) as info:
        extract_zip(archive, tmp_path / "out", Limits(max_total_bytes=200_000))
    assert info.value.notes[0].code == "zip_bomb"
    assert_romanian_first(info.value, "ar ocupa", "would expand")
    assert opened == [] and written(tmp_path / "out") == []


def test_too_many_members_are_refused_in_romanian_first(tmp_path, opened):
    archive = tmp_path / "multe.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i in range(30):
            z.writestr(f"f{i}.txt", b"x")
    with pytest.raises(ImportRefused) as info:
        extract_zip(archive, tmp_path / "out", Limits(max_members=20))
    assert info.value.notes[0].code == "too_many_members"
    assert_romanian_first(info.value, "30 de fișiere", "30 members")
    assert opened == [] and written(tmp_path / "out") == []


def _overlapping(path: Path, copies: int) -> Path:
    """One stored member, listed `copies` times in the central directory, all pointing at the same
    bytes (the overlapping-entries bomb): no member compresses, yet each is written in full."""
    payload = random.Random(3).randbytes(100_000)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("parcele.dbf", payload)
    data = path.read_bytes()
    eocd = data.rindex(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack("<II", data[eocd + 12:eocd + 20])
    entry = data[cd_offset:cd_offset + cd_size]
    central = entry * copies
    end = data[eocd:eocd + 22]
    end = end[:8] + struct.pack("<HHII", copies, copies, len(central), cd_offset) + end[20:]
    path.write_bytes(data[:cd_offset] + central + end)
    return path


def test_members_that_share_their_bytes_are_refused(tmp_path, opened):
    archive = _overlapping(tmp_path / "suprapus.zip", 50)
    assert len(zipfile.ZipFile(archive).infolist()) == 50
    with pytest.raises(ImportRefused) as info:
        extract_zip(archive, tmp_path / "out")
    assert info.value.notes[0].code == "zip_bomb"
    assert opened == [] and written(tmp_path / "out") == []


def test_a_member_that_inflates_past_its_declared_size_leaves_nothing_behind(tmp_path):
    """The headers say 1,000 bytes, the data inflates to 100,000: refused while extracting, and the
    files already written are removed."""
    archive = tmp_path / "minte.zip"
    body = b"".join(f"{i:>10}".encode() for i in range(10_000))
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.prj", b'PROJCS["Stereo_70"]')
        z.writestr("b.dbf", body)
    data = bytearray(archive.read_bytes())
    info = zipfile.ZipFile(archive).getinfo("b.dbf")
    struct.pack_into("<I", data, info.header_offset + 22, 1000)              # local header
    central = data.index(b"b.dbf", data.index(b"PK\x01\x02")) - 46
    assert data[central:central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, central + 24, 1000)                         # central directory
    archive.write_bytes(bytes(data))
    assert zipfile.ZipFile(archive).getinfo("b.dbf").file_size == 1000
    with pytest.raises(ImportRefused):
        extract_zip(archive, tmp_path / "out")
    assert written(tmp_path / "out") == []


def test_the_bomb_through_the_import_pipeline_is_rejected_and_changes_nothing(loaded, engine, tmp_path, opened):
    bomb = zeros_zip(tmp_path / "parcele.zip", 300, 1_000_000)
    count = "SELECT count(*), coalesce(sum(version), 0) FROM cadastre.parcel"
    with engine.connect() as c:
        before = c.execute(text(count)).one()
    report, _ = analyse_and_merge(loaded, bomb, Options(), "test:security", commit=True)
    assert report.status == "rejected"
    assert [p.code for p in report.errors] == ["zip_bomb"]
    assert report.errors[0].message.index("bombă zip") < report.errors[0].message.index("zip bomb")
    assert opened == []
    with engine.connect() as c:
        assert c.execute(text(count)).one() == before
