"""Move texts from the old Python dicts into the gettext catalogues (gis/locales/<lang>/LC_MESSAGES/messages.po).

The catalogues replaced webmap/i18n.py's TEXTS, PROFILE_TEXTS and OFFICE and api/messages.py's CATALOGUE
and VERIFY_TEXTS (gis/texts.py reads them). Other branches still add entries to those dicts, in a block
after a comment `# --- branch NAME ---`; at merge the lead ports such a block with

    .venv/bin/python tools/dicts_to_po.py phone:webmap/i18n.py --block phone
    .venv/bin/python tools/dicts_to_po.py phone:api/messages.py --block phone --check   # only report

A source is a file path or `REV:PATH` (read with `git show`). Each dict becomes one msgctxt:

    TEXTS          {key: {lang: text}}            → "map"          msgid = key
    PROFILE_TEXTS  {profile: {key: {lang: text}}} → "map:<PROFILE>" msgid = key
    OFFICE         {ro text: (en, hu[, ru])}      → "office"       msgid = the Romanian text
    CATALOGUE      {code: {lang: text}}           → "message"      msgid = code
    VERIFY_TEXTS   {key: {lang: text}}            → "verify"       msgid = key

The dicts are read with `ast.literal_eval` (never imported: a branch's module may not import here). An entry
already in a catalogue with another text is reported and left alone unless --replace."""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "gis" / "locales"
LANGUAGES = ("ro", "en", "hu", "ru")
OFFICE_ORDER = ("en", "hu", "ru")  # OFFICE's tuples: (en, hu) or (en, hu, ru); ro is the key
DICTS = {"TEXTS": "map", "PROFILE_TEXTS": "map:", "OFFICE": "office", "CATALOGUE": "message",
         "VERIFY_TEXTS": "verify"}


def read_source(source: str) -> str:
    if ":" in source and not Path(source).exists():
        return subprocess.run(["git", "-C", str(ROOT), "show", source], check=True, capture_output=True,
                              text=True).stdout
    return Path(source).read_text(encoding="utf-8")


def _block_start(lines: list[str], node: ast.AST, branch: str) -> int | None:
    """The line of `# --- branch NAME ---` inside the dict `node`, if any (1-based)."""
    mark = re.compile(rf"^\s*#\s*---\s*branch\s+{re.escape(branch)}\s*---")
    for number in range(node.lineno, node.end_lineno + 1):
        if mark.match(lines[number - 1]):
            return number
    return None


def entries(text: str, block: str | None = None) -> list[tuple[str, str, dict[str, str]]]:
    """(msgctxt, msgid, {lang: text}) of every dict entry in the module's source `text` (only the entries
    after `# --- branch BLOCK ---` when `block` is given)."""
    lines = text.splitlines()
    out: list[tuple[str, str, dict[str, str]]] = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        if not (isinstance(target, ast.Name) and target.id in DICTS and isinstance(value, ast.Dict)):
            continue
        start = _block_start(lines, value, block) if block else 0
        if start is None:
            continue
        context = DICTS[target.id]
        for key_node, value_node in zip(value.keys, value.values, strict=True):
            if key_node is None or key_node.lineno < start:
                continue
            key, item = ast.literal_eval(key_node), ast.literal_eval(value_node)
            if target.id == "PROFILE_TEXTS":
                out += [(context + key.upper(), code, dict(langs)) for code, langs in item.items()]
            elif target.id == "OFFICE":
                out.append((context, key, {"ro": key, **dict(zip(OFFICE_ORDER, item, strict=False))}))
            else:
                out.append((context, key, dict(item)))
    return out


def po_path(lang: str, locales: Path = LOCALES) -> Path:
    return locales / lang / "LC_MESSAGES" / "messages.po"


def load(lang: str, locales: Path = LOCALES) -> Catalog:
    path = po_path(lang, locales)
    if path.exists():
        with path.open("rb") as f:
            return read_po(f, locale=lang)
    return Catalog(locale=lang, project="Teritoriu", header_comment="# Teritoriu's texts. Edit here; "
                   "tests/test_i18n_catalogue.py checks them.")


def save(catalog: Catalog, lang: str, locales: Path = LOCALES) -> None:
    path = po_path(lang, locales)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False, sort_output=False)


def port(found: list[tuple[str, str, dict[str, str]]], replace: bool = False, check: bool = False,
         locales: Path = LOCALES) -> list[str]:
    """Put the entries into the catalogues; the conflicts (and, with `check`, every change) as lines."""
    notes: list[str] = []
    for lang in LANGUAGES:
        catalog, changed = load(lang, locales), False
        for context, msgid, langs in found:
            text = langs.get(lang)
            if not text:
                continue
            old = catalog.get(msgid, context=context)
            if old is not None and old.string == text:
                continue
            if old is not None and old.string and not replace:
                notes.append(f"conflict {lang} [{context}] {msgid!r}: keeps {old.string!r}, not {text!r}")
                continue
            notes.append(f"{'would set' if check else 'set'} {lang} [{context}] {msgid!r}")
            catalog.add(msgid, text, context=context)
            changed = True
        if changed and not check:
            save(catalog, lang, locales)
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sources", nargs="+", help="a module with the dicts: PATH or REV:PATH")
    parser.add_argument("--block", help="only the entries after `# --- branch BLOCK ---`")
    parser.add_argument("--replace", action="store_true", help="overwrite an entry that has another text")
    parser.add_argument("--check", action="store_true", help="write nothing, only say what would change")
    parser.add_argument("--locales", type=Path, default=LOCALES, help="the catalogues' folder (gis/locales)")
    args = parser.parse_args(argv)
    found = [e for source in args.sources for e in entries(read_source(source), args.block)]
    if not found:
        print("no entries found" + (f" after `# --- branch {args.block} ---`" if args.block else ""))
        return 1
    notes = port(found, replace=args.replace, check=args.check, locales=args.locales)
    print("\n".join(notes) or "nothing to change")
    print(f"{len(found)} entries read")
    return 2 if any(n.startswith("conflict") for n in notes) else 0


if __name__ == "__main__":
    sys.exit(main())
