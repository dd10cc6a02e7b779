"""The `current` link nginx serves warm tiles from (layers/tiles_link.py), kept in this process against
the test database: it follows an edit by its NOTIFY, one keeper at a time holds it (the others wait and
take over), and it goes when the database cannot be read. tests/test_tiles_nginx.py runs it behind nginx."""

from __future__ import annotations

import dataclasses
import os

import pytest
from factories import until
from sqlalchemy import text

from gis.db import get_engine
from layers.tiles_link import CurrentLink, LinkKeeper, link_path
from layers.vector_tiles import build_root, data_revision

BUMP = "UPDATE cadastre.parcel SET tarla = tarla WHERE false"  # a statement-level trigger bumps the revision


def pointed(link: CurrentLink) -> str | None:
    return os.readlink(link.path) if link.path.is_symlink() else None


@pytest.fixture
def keepers(loaded, tmp_path):
    """keepers(n, settings=None): n candidate keepers of one link under tmp_path, stopped after the test."""
    made = []

    def make(n: int, settings=None) -> list[LinkKeeper]:
        s = settings or loaded
        for _ in range(n):
            made.append(LinkKeeper(get_engine(s, "public"), tmp_path, s.db_name, poll_s=0.1, recheck_s=0.2))
            made[-1].start()
        return made[-n:]

    yield make
    for k in made:
        k.stop()


def test_a_flip_replaces_the_link_in_one_step(tmp_path):
    link = CurrentLink(link_path(tmp_path, "db"))
    for revision in (7, 8, 8):  # idempotent
        link.flip(tmp_path / "db-1" / str(revision))
        assert os.readlink(link.path) == f"../db-1/{revision}"
    assert sorted(p.name for p in link.path.parent.iterdir()) == ["current"]  # no temporary name left
    link.remove()
    link.remove()
    assert not link.path.is_symlink()


def test_the_keeper_follows_an_edit_and_one_candidate_holds_the_link(loaded, engine, keepers, tmp_path):
    first, second = keepers(2)
    link = first.link
    root = build_root(get_engine(loaded, "public"), tmp_path, loaded.db_name)
    revision = data_revision(engine)
    until(lambda: pointed(link) == os.path.relpath(root / str(revision), link.path.parent), "the link")
    holder, waiting = (first, second) if first._holding else (second, first)
    assert holder._holding and not waiting._holding  # the other sleeps in flock
    with engine.begin() as c:
        c.execute(text(BUMP))
    after = data_revision(engine)
    assert after > revision
    until(lambda: pointed(link) == f"../{root.name}/{after}", "the link on the edit's revision")
    holder.stop()  # its link goes with it; the waiting candidate takes over
    until(lambda: waiting._holding, "the other candidate holding the lock")
    until(lambda: pointed(link) == f"../{root.name}/{after}", "the link again, by the new holder")


def test_an_unreadable_database_removes_the_link(loaded, keepers, tmp_path):
    absent = dataclasses.replace(loaded, db_name="teritoriu_no_such_database")
    link = CurrentLink(link_path(tmp_path, absent.db_name))
    link.flip(tmp_path / f"{absent.db_name}-1" / "3")  # left by an earlier run
    keepers(1, absent)
    until(lambda: not link.path.is_symlink(), "the link removed")
