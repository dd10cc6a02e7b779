"""DESIGN.md §2, who may import whom: `gis` is the ground floor and the arrows point one way.
Every import statement of every module is read (also those inside functions)."""

from __future__ import annotations

import ast

import pytest

from gis.settings import PROJECT_ROOT

FOLDERS = ("gis", "layers", "importers", "styles", "webmap", "api")
ALLOWED = {
    "gis": {"styles"},          # styles' data (colours) only
    "styles": set(),
    "layers": {"gis", "styles"},
    "importers": {"gis"},
    "webmap": {"gis", "layers", "styles"},
    "api": set(FOLDERS),
}


def imported_folders(path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {n.split(".")[0] for n in names} & set(FOLDERS)
    return found


@pytest.mark.parametrize("folder", FOLDERS)
def test_each_folder_imports_only_what_lies_below_it(folder):
    modules = sorted((PROJECT_ROOT / folder).rglob("*.py"))
    assert modules, folder
    wrong = {str(p.relative_to(PROJECT_ROOT)): sorted(bad) for p in modules
             if (bad := imported_folders(p) - ALLOWED[folder] - {folder})}
    assert wrong == {}, wrong
