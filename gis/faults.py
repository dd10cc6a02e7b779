"""Named fault points: where the fault tests cut a process dead, instead of guessing a moment.

`TERITORIU_FAULT_AT=<name>` makes the process kill itself with SIGKILL (as a power cut, the OOM
killer or `kill -9` would) the moment it passes the point of that name. Unset, a point costs one
dictionary lookup. Each point says whether the durable commit of its operation has happened
when it is reached, so that a test knows what the database must hold after the kill: nothing of
the operation, or all of it.
"""

from __future__ import annotations

import os
import signal

ENV = "TERITORIU_FAULT_AT"

# name -> True when the operation's data is committed at that point
POINTS: dict[str, bool] = {
    # an import (importers/pipeline.py, the CLI's `teritoriu import`)
    "import.read": False,          # the file is read, nothing checked yet
    "import.staged": False,        # every feature checked in PostGIS, inside the transaction
    "import.merged": False,        # new versions written, the transaction not yet committed
    "import.committed": True,      # committed; the job record and the report not yet written
    # a certificate issued at the counter (gis/certificates/workflow.py)
    "certificate.numbered": False,     # the registry number taken, the request not yet committed
    "certificate.filed": True,         # the request committed with its number, not yet issued
    "certificate.rendered": True,      # the final PDF rendered and signed, not yet stored
    "certificate.stored": True,        # the PDF stored with its hash, the issue not yet committed
}


def fault_point(name: str) -> None:
    """Die here if the environment names this point."""
    if name not in POINTS:  # a typo would make a fault test pass without cutting anything
        raise KeyError(f"unknown fault point {name!r}")
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
