"""The states of an import job (importing.job.status): the one list, with the names staff read.

    running → rejected (errors) | checked (a dry run without errors) | staged (waiting for an officer)
            | committed | failed (the process died);  staged → committed | discarded

The database's CHECK (migration 0003) holds the same states; tests/test_vocabularies.py fails when
the two differ.
"""

from __future__ import annotations

STATES = ("running", "rejected", "checked", "staged", "committed", "discarded", "failed")

LABELS = {"running": "în verificare", "rejected": "respins (erori)", "checked": "verificat (fără erori)",
          "staged": "așteaptă aprobarea", "committed": "importat", "discarded": "respins de ofițer",
          "failed": "eșuat"}
