"""The import report: what was read, every problem with its feature, and what would change.
As JSON (API, `--report FILE.json`) and as a readable HTML page (the upload page)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Problem:
    severity: str              # error | warning | info
    code: str
    message: str
    layer: str | None = None
    feature: int | None = None  # 0-based index in its layer
    fid: str | None = None      # the feature's own id (cadastral number, code)
    params: dict | None = None  # the values of the catalogue message "import.<code>" (api/messages.py)
    bbox: list[float] | None = None  # the feature's extent in CRS84 (lon/lat): the page zooms the map to it


@dataclass
class Report:
    source: str
    kind: str
    uat: int | None = None
    status: str = "running"    # rejected | checked | staged | committed | discarded | failed
    layers: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    summary: dict = field(default_factory=lambda: {"features": 0, "new": 0, "changed": 0, "unchanged": 0,
                                                   "retired": 0})
    retired: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, severity: str, code: str, message: str, params: dict | None = None, **where) -> None:
        """`message` is the English sentence (JSON, logs); the pages and the CLI say it in the reader's
        language from the catalogue entry "import.<code>" with `params`."""
        self.problems.append(Problem(severity, code, message, params=params, **where))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict:
        out = asdict(self)
        out["summary"] = {**self.summary, "errors": len(self.errors),
                          "warnings": sum(p.severity == "warning" for p in self.problems)}
        return out

    @classmethod
    def from_json(cls, data: dict) -> Report:
        data = dict(data)
        problems = [Problem(**p) for p in data.pop("problems", [])]
        summary = {k: v for k, v in data.pop("summary", {}).items() if k not in ("errors", "warnings")}
        report = cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})
        report.problems, report.summary = problems, {**report.summary, **summary}
        return report

    def text(self, limit: int = 50) -> str:
        """For the terminal."""
        s = self.to_json()["summary"]
        lines = [f"{self.source} ({self.kind}): {s['features']} features — new {s['new']}, changed "
                 f"{s['changed']}, unchanged {s['unchanged']}, retired {s['retired']}; "
                 f"{s['errors']} errors, {s['warnings']} warnings"]
        for p in self.problems[:limit]:
            where = "".join([f" {p.layer}" if p.layer else "", f" #{p.feature}" if p.feature is not None else "",
                             f" ({p.fid})" if p.fid else ""])
            lines.append(f"  {p.severity.upper()}{where}: {p.message}")
        if len(self.problems) > limit:
            lines.append(f"  … and {len(self.problems) - limit} more (see the JSON report)")
        return "\n".join(lines)

    def write_json(self, path: Path) -> None:
        """Save the report as JSON (its readable page is webmap.simple_page.report_document's)."""
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
