"""Unpacking an uploaded zip safely: everything is checked before a byte is written (paths
that escape the folder, absolute paths, links, encrypted members, too many members, a total
size or a compression ratio of a zip bomb), and extraction counts the bytes it writes."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from importers.model import ImportRefused, Limits


def _refuse(message: str, code: str) -> None:
    raise ImportRefused(message, code)


def extract_zip(path: Path, dest: Path, limits: Limits = Limits()) -> Path:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        _refuse(f"{Path(path).name} is not a readable zip archive (damaged or cut short): send it again",
                "bad_zip")
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            _refuse(f"the archive has {len(members)} members (at most {limits.max_members}): send only the layer "
                    "files", "too_many_members")
        total = 0
        for m in members:
            name = m.filename.replace("\\", "/")
            parts = PurePosixPath(name).parts
            if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts:
                _refuse(f"the archive member {m.filename!r} would be written outside its folder (zip slip): "
                        "refused", "zip_slip")
            if stat.S_ISLNK(m.external_attr >> 16):
                _refuse(f"the archive member {m.filename!r} is a symbolic link: refused", "zip_link")
            if m.flag_bits & 0x1:
                _refuse(f"the archive member {m.filename!r} is encrypted: send it without a password", "encrypted")
            total += m.file_size
            if m.compress_size and m.file_size / m.compress_size > limits.max_ratio and m.file_size > 1_000_000:
                _refuse(f"the archive member {m.filename!r} expands {m.file_size // max(1, m.compress_size)} times "
                        f"(more than {limits.max_ratio}): refused as a possible zip bomb", "zip_bomb")
        if total > limits.max_total_bytes:
            _refuse(f"the archive would expand to {total / 1024 ** 2:.0f} MB (at most "
                    f"{limits.max_total_bytes / 1024 ** 2:.0f} MB): refused as a possible zip bomb", "zip_bomb")
        dest = Path(dest)
        written = 0
        try:
            for m in members:
                target = dest.joinpath(*PurePosixPath(m.filename.replace("\\", "/")).parts)
                if not target.resolve().is_relative_to(dest.resolve()):
                    _refuse(f"the archive member {m.filename!r} would be written outside its folder", "zip_slip")
                if m.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(m) as src, open(target, "wb") as out:
                    size = 0
                    while chunk := src.read(1 << 20):
                        size += len(chunk)
                        written += len(chunk)
                        if size > m.file_size or written > limits.max_total_bytes:
                            _refuse(f"the archive member {m.filename!r} is larger than it declares: refused",
                                    "zip_bomb")
                        out.write(chunk)
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            if isinstance(exc, ImportRefused):
                raise
            _refuse(f"{Path(path).name} is damaged ({exc}): send it again", "bad_zip")
    return dest
