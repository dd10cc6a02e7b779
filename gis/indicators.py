"""The service's indicators (issue 23): per UAT and for the UATs shown together, by month of one year.

What is counted, and in which month (the profile's civil time, gis.profiles.Profile.time_zone):
- `sessions`, `searches`, `sheets`: the public map's use (gis/map_use.py), by day counted;
- `requests`, `requests:<kind>`, `channel:online|counter` (registry.request.filing_channel),
  `unpaid` (a fee, no payment recorded, not cancelled) and `past_deadline`: by month of registration.
  A request is past its deadline when it was issued later than the legal number of days after
  registration (settings.request_deadline_days, by kind), or is still open past that day (as of
  `as_of`); cancelled requests are not counted there;
- `issued`, `median_days`, `p90_days` (registration → issue, in days, linear interpolation between
  the closest ranks, like PostgreSQL's percentile_cont): by month of issue;
- `cancelled`: by month of cancellation;
- `imports`, `imports:<kind>`, `imports_committed`: import jobs (importing.job) by month started;
- `edits`, `edits:<table>`: audit rows (insert, update, retire) on the territorial layers, by month,
  whoever wrote them (an officer's edit or an import's commit);
- OGC API use by agency key (audit rows the key's checks write, gis/apikeys.record_use): keys are not
  tied to a UAT, so this is given for the whole deployment only (`uats=None`).

The "total" column adds the UATs shown (a region's); for the whole deployment it also holds the
public map's use of the overview page (no UAT chosen). Percentiles of the total are computed on
all its requests, never averaged.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from gis.deadlines import deadlines
from gis.map_use import KINDS as USE_KINDS
from gis.profiles import get_profile
from gis.request_states import ISSUED
from gis.settings import Settings

TOTAL = "total"
USE_KEYS = {"session": "sessions", "search": "searches", "sheet": "sheets"}
assert set(USE_KEYS) == set(USE_KINDS)
EDITED_TABLES = ("cadastre.parcel", "cadastre.building", "streets.street", "streets.address_point",
                 "planning.zone", "planning.restriction", "planning.document", "agri.plot")
OPEN = ("received", "draft", "review")
DAY_S = 86400.0


def percentile(values: list[float], share: float) -> float | None:
    """Linear interpolation between the closest ranks (PostgreSQL's percentile_cont)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Indicators:
    year: int
    months: list[str]                       # "2025-01" … "2025-12"
    columns: list[tuple[str, str]]          # (key: SIRUTA as text or "total", name)
    values: dict[str, dict[str, dict[str, float | int | None]]]   # column → month or "year" → indicator → value
    deadline_days: dict[str, int]
    ogc: dict[str, dict[str, int]]          # "agency (prefix)" → month or "year" → uses
    whole: bool = True                      # the whole deployment (every UAT): OGC use is given

    def to_json(self) -> dict:
        return {"year": self.year, "months": self.months, "deadline_days": self.deadline_days,
                "columns": [{"key": k, "name": n} for k, n in self.columns], "values": self.values,
                "ogc_by_key": self.ogc if self.whole else None}

    def rows(self):
        """(column key, column name, period, indicator, value): the CSV's rows."""
        for key, name in self.columns:
            for period in [*self.months, "year"]:
                for indicator, value in sorted(self.values[key][period].items()):
                    yield key, name, str(self.year) if period == "year" else period, indicator, value
        for agency, counts in sorted(self.ogc.items()):
            for period in [*self.months, "year"]:
                yield TOTAL, "", str(self.year) if period == "year" else period, f"ogc:{agency}", counts.get(period, 0)

    def indicator_names(self) -> list[str]:
        return sorted({i for column in self.values.values() for i in column["year"]})


def compute(conn: Connection, settings: Settings, year: int, uats: list[int] | None = None,
            as_of: datetime | None = None) -> Indicators:
    """The indicators of `year` for `uats` side by side (None: every UAT, and the deployment's total)."""
    zone = ZoneInfo(get_profile(settings.profile).time_zone)
    start, end = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
    as_of = as_of or datetime.now(UTC)
    everything = uats is None
    names = conn.execute(text("SELECT siruta, name FROM territory.uat WHERE :all OR siruta = ANY(:u) ORDER BY name"),
                         {"all": everything, "u": list(uats or [])}).all()
    shown = [s for s, _ in names]
    columns = [(str(s), n) for s, n in names] + [(TOTAL, "Total")]
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    counts: dict[str, dict[str, dict[str, float]]] = {k: {p: defaultdict(int) for p in [*months, "year"]}
                                                      for k, _ in columns}
    days: dict[str, dict[str, list[float]]] = {k: {p: [] for p in [*months, "year"]} for k, _ in columns}
    limits = deadlines(settings)

    def month(at: datetime) -> str:
        return at.astimezone(zone).strftime("%Y-%m")

    def add(uat: int | None, period: str, indicator: str, n: float = 1) -> None:
        targets = ([str(uat)] if uat is not None and uat in shown else []) + [TOTAL]
        for key in targets:
            counts[key][period][indicator] += n
            counts[key]["year"][indicator] += n

    window = {"s": start, "e": end, "u": shown}
    for uat, day, kind, n in conn.execute(text("""
            SELECT uat_siruta, day, kind, sum(n) FROM audit.use_count
            WHERE day >= CAST(:s AS date) AND day < CAST(:e AS date) AND (uat_siruta = ANY(:u) OR
                  (:all AND uat_siruta IS NULL))
            GROUP BY 1, 2, 3"""), {"s": start.date(), "e": end.date(), "u": shown, "all": everything}):
        add(uat, day.strftime("%Y-%m"), USE_KEYS[kind], int(n))

    for uat, kind, channel, status, created, fee, paid, issued_at in conn.execute(text("""
            SELECT r.uat_siruta, r.kind, r.filing_channel, r.status, r.registered_at, r.fee, r.paid_amount IS NOT NULL,
                   (SELECT min(d.issued_at) FROM registry.document d WHERE d.request_id = r.id)
            FROM registry.request r  -- registered: confirmed by the applicant, numbered (gis/certificates/confirmation)
            WHERE r.uat_siruta = ANY(:u) AND r.registered_at >= :s AND r.registered_at < :e"""), window):
        period = month(created)
        add(uat, period, "requests")
        add(uat, period, f"requests:{kind}")
        add(uat, period, f"channel:{channel}")
        if status != "cancelled" and fee and not paid:
            add(uat, period, "unpaid")
        limit = limits.get(kind, limits["*"]) * DAY_S
        done = issued_at if status in ISSUED and issued_at is not None else None
        if status != "cancelled" and ((done or as_of) - created).total_seconds() > limit and (done or status in OPEN):
            add(uat, period, "past_deadline")

    for uat, created, issued_at in conn.execute(text("""
            SELECT r.uat_siruta, r.registered_at, d.issued_at FROM registry.document d
            JOIN registry.request r ON r.id = d.request_id
            WHERE r.uat_siruta = ANY(:u) AND d.issued_at >= :s AND d.issued_at < :e"""), window):
        period = month(issued_at)
        add(uat, period, "issued")
        taken = (issued_at - created).total_seconds() / DAY_S
        for key in ([str(uat)] if uat in shown else []) + [TOTAL]:
            days[key][period].append(taken)
            days[key]["year"].append(taken)

    for uat, cancelled_at in conn.execute(text("""
            SELECT uat_siruta, cancelled_at FROM registry.request
            WHERE uat_siruta = ANY(:u) AND cancelled_at >= :s AND cancelled_at < :e"""), window):
        add(uat, month(cancelled_at), "cancelled")

    for uat, created, kind, status in conn.execute(text("""
            SELECT uat_siruta, created_at, kind, status FROM importing.job
            WHERE uat_siruta = ANY(:u) AND created_at >= :s AND created_at < :e"""), window):
        add(uat, month(created), "imports")
        add(uat, month(created), f"imports:{kind}")
        if status == "committed":
            add(uat, month(created), "imports_committed")

    for uat, at_month, table, n in conn.execute(text("""
            SELECT uat_siruta, to_char(at AT TIME ZONE :tz, 'YYYY-MM'), table_name, count(*) FROM audit.log
            WHERE at >= :s AND at < :e AND action IN ('insert', 'update', 'retire')
              AND table_name = ANY(:tables) AND uat_siruta = ANY(:u)
            GROUP BY 1, 2, 3"""), {**window, "tz": zone.key, "tables": list(EDITED_TABLES)}):
        add(uat, at_month, "edits", n)
        add(uat, at_month, f"edits:{table}", n)

    ogc: dict[str, dict[str, int]] = {}
    if everything:
        for actor, at_month, n in conn.execute(text("""
                SELECT actor, to_char(at AT TIME ZONE :tz, 'YYYY-MM'), count(*) FROM audit.log
                WHERE at >= :s AND at < :e AND action = 'view' AND actor LIKE 'apikey:%'
                GROUP BY 1, 2"""), {"s": start, "e": end, "tz": zone.key}):
            _, prefix, agency = actor.split(":", 2)
            per = ogc.setdefault(f"{agency} ({prefix})", {"year": 0})
            per[at_month] = per.get(at_month, 0) + n
            per["year"] += n

    values: dict[str, dict[str, dict]] = {}
    for key, _ in columns:
        values[key] = {}
        for period in [*months, "year"]:
            row = {k: v for k, v in counts[key][period].items()}
            for base in ("sessions", "searches", "sheets", "requests", "issued", "cancelled", "unpaid",
                         "past_deadline", "imports", "edits"):
                row.setdefault(base, 0)
            taken = days[key][period]
            row["median_days"] = round(statistics.median(taken), 1) if taken else None
            row["p90_days"] = round(percentile(taken, 0.9), 1) if taken else None
            values[key][period] = row
    return Indicators(year, months, columns, values, limits, ogc, everything)
