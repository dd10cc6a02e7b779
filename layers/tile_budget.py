"""Tile caches on disk stay under a size cap (settings.tile_cache_mb).

Every cache writer reports what it wrote; once an eighth of the cap has been written since the
last look, the tree is measured and the oldest files (by modification time: the tiles written
longest ago) are removed until it holds three quarters of the cap. Each worker process keeps its
own count and may prune; a tile removed under a reader is simply rendered again.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

MB = 1024 * 1024


class DiskBudget:
    def __init__(self, root: Path, cap_bytes: int):
        self.root = Path(root)
        self.cap = max(0, int(cap_bytes))
        self._since = 0
        self._lock = threading.Lock()

    def wrote(self, nbytes: int) -> None:
        """A file of `nbytes` was written under the root (4 KB at least: a file's block)."""
        if self.cap <= 0:
            return
        with self._lock:
            self._since += max(nbytes, 4096)
            due = self._since >= self.cap // 8
            if due:
                self._since = 0
        if due:
            self.prune()

    def files(self) -> list[tuple[float, int, str]]:
        """(modification time, size, path) of every file under the root."""
        found = []
        stack = [str(self.root)]
        while stack:
            try:
                with os.scandir(stack.pop()) as entries:
                    for entry in entries:
                        try:
                            if entry.is_dir(follow_symlinks=False):
                                stack.append(entry.path)
                            elif entry.is_file(follow_symlinks=False):
                                st = entry.stat(follow_symlinks=False)
                                found.append((st.st_mtime, max(st.st_size, 4096), entry.path))
                        except FileNotFoundError:
                            continue
            except (FileNotFoundError, NotADirectoryError):
                continue
        return found

    def prune(self) -> int:
        """Remove the oldest files while the tree is over the cap; the number removed."""
        if self.cap <= 0:
            return 0
        files = self.files()
        total = sum(size for _, size, _ in files)
        if total <= self.cap:
            return 0
        target = self.cap * 3 // 4
        removed = 0
        for _, size, path in sorted(files):
            if total <= target:
                break
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            total -= size
            removed += 1
        self._remove_empty_dirs()
        return removed

    def _remove_empty_dirs(self) -> None:
        for dirpath, _dirs, _files in os.walk(self.root, topdown=False):
            if dirpath != str(self.root):
                try:
                    os.rmdir(dirpath)  # only succeeds when empty
                except OSError:
                    pass


_BUDGETS: dict[str, DiskBudget] = {}
_BUDGETS_LOCK = threading.Lock()


def budget(root: Path, cap_mb: float) -> DiskBudget:
    """The one budget of a cache root in this process."""
    key = f"{Path(root).resolve()}:{cap_mb}"
    with _BUDGETS_LOCK:
        if key not in _BUDGETS:
            _BUDGETS[key] = DiskBudget(root, int(cap_mb * MB))
        return _BUDGETS[key]
