"""Unpacking an uploaded zip safely: everything is checked from the archive's directory before a
byte is written (paths that escape the folder, absolute paths, links, encrypted members, too many
members, members sharing their bytes, a compression ratio above the limit for any member however
small, a total size of a zip bomb), and extraction counts the bytes it writes. A refusal while
extracting (a member larger than it declares, damaged data) removes what was already written."""

from __future__ import annotations

import shutil
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from importers.model import DEFAULT_LIMITS, ImportRefused, Limits, two_languages


def _refuse(ro: str, en: str, code: str) -> None:
    raise ImportRefused(two_languages(ro, en), code)


def _files(n: int) -> str:
    """'5 fișiere', '30 de fișiere', '101 fișiere': Romanian puts 'de' after 20 and 100-like numbers."""
    return f"{n} de fișiere" if n % 100 >= 20 or (n and n % 100 == 0) else f"{n} fișiere"


def _size(n: int) -> str:
    return f"{n / 1024 ** 2:.0f} MB" if n >= 1024 ** 2 else f"{n / 1024:.0f} KB"


_BOMB_RO = "refuzată ca posibilă bombă zip; nu s-a dezarhivat nimic"
_BOMB_EN = "refused as a possible zip bomb; nothing was extracted"


def _check(path: Path, members: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Every refusal that the archive's directory can tell, before a member is opened."""
    if len(members) > limits.max_members:
        _refuse(f"Arhiva are {_files(len(members))} (cel mult {limits.max_members}): trimiteți doar fișierele "
                "straturilor",
                f"the archive has {len(members)} members (at most {limits.max_members}): send only the layer files",
                "too_many_members")
    total = 0
    for m in members:
        name = m.filename.replace("\\", "/")
        parts = PurePosixPath(name).parts
        if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts:
            _refuse(f"Fișierul {m.filename!r} din arhivă ar fi scris în afara dosarului său (zip slip): refuzat",
                    f"the archive member {m.filename!r} would be written outside its folder (zip slip): refused",
                    "zip_slip")
        if stat.S_ISLNK(m.external_attr >> 16):
            _refuse(f"Fișierul {m.filename!r} din arhivă este o legătură simbolică: refuzat",
                    f"the archive member {m.filename!r} is a symbolic link: refused", "zip_link")
        if m.flag_bits & 0x1:
            _refuse(f"Fișierul {m.filename!r} din arhivă este criptat: trimiteți-l fără parolă",
                    f"the archive member {m.filename!r} is encrypted: send it without a password", "encrypted")
        if m.file_size > limits.max_ratio * m.compress_size:   # every member: small ones add up
            times = m.file_size // max(1, m.compress_size)
            _refuse(f"Fișierul {m.filename!r} din arhivă s-ar dezarhiva de {times} ori mai mare (cel mult "
                    f"{limits.max_ratio}): {_BOMB_RO}. Un strat real trimiteți-l într-o arhivă fără compresie",
                    f"the archive member {m.filename!r} expands {times} times (more than {limits.max_ratio}): "
                    f"{_BOMB_EN}. Send a real layer in a zip without compression", "zip_bomb")
        total += m.file_size
    if total > limits.max_total_bytes:
        _refuse(f"Arhiva ar ocupa {_size(total)} dezarhivată (cel mult {_size(limits.max_total_bytes)}): "
                f"{_BOMB_RO}. Trimiteți straturile în mai multe arhive",
                f"the archive would expand to {_size(total)} (at most {_size(limits.max_total_bytes)}): "
                f"{_BOMB_EN}. Send the layers in several archives", "zip_bomb")
    # Members listed over the same bytes (the overlapping-entries bomb) hold more compressed data
    # than the archive has, or start at the same place.
    starts = {m.header_offset for m in members}
    if len(starts) < len(members) or sum(m.compress_size for m in members) > Path(path).stat().st_size:
        _refuse("Fișierele din arhivă își împart aceiași octeți (intrări suprapuse): " + _BOMB_RO,
                "the archive's members overlap (they share the same bytes): " + _BOMB_EN, "zip_bomb")


def extract_zip(path: Path, dest: Path, limits: Limits = DEFAULT_LIMITS) -> Path:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        _refuse(f"{Path(path).name} nu este o arhivă zip care se poate citi (deteriorată sau incompletă): "
                "trimiteți-o din nou",
                f"{Path(path).name} is not a readable zip archive (damaged or cut short): send it again", "bad_zip")
    with archive:
        members = archive.infolist()
        _check(path, members, limits)
        dest = Path(dest)
        fresh = not dest.exists()
        done: list[Path] = []
        try:
            _extract(archive, members, dest, limits, done)
        except BaseException as exc:
            if fresh:
                shutil.rmtree(dest, ignore_errors=True)
            else:
                for f in done:
                    f.unlink(missing_ok=True)
            if isinstance(exc, (zipfile.BadZipFile, EOFError, OSError, zlib.error)):
                _refuse(f"{Path(path).name} este deteriorată ({exc}): trimiteți-o din nou",
                        f"{Path(path).name} is damaged ({exc}): send it again", "bad_zip")
            raise
    return dest


def _extract(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], dest: Path, limits: Limits,
             done: list[Path]) -> None:
    written = 0
    for m in members:
        target = dest.joinpath(*PurePosixPath(m.filename.replace("\\", "/")).parts)
        if not target.resolve().is_relative_to(dest.resolve()):
            _refuse(f"Fișierul {m.filename!r} din arhivă ar fi scris în afara dosarului său: refuzat",
                    f"the archive member {m.filename!r} would be written outside its folder", "zip_slip")
        if m.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(m) as src, open(target, "wb") as out:
            done.append(target)
            size = 0
            while chunk := src.read(1 << 20):
                size += len(chunk)
                written += len(chunk)
                if size > m.file_size or written > limits.max_total_bytes:
                    _refuse(f"Fișierul {m.filename!r} din arhivă este mai mare decât declară: refuzat; ce se "
                            "dezarhivase a fost șters",
                            f"the archive member {m.filename!r} is larger than it declares: refused; what was "
                            "extracted was removed", "zip_bomb")
                out.write(chunk)
