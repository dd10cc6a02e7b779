"""The states of a certificate request and the moves between them: the one list.

    received → draft (PROIECT) → review → issued → downloaded, or cancelled with a reason

A request is issued only after a review: the officer who issues it has seen the draft checked
(the desk offers "Emite" on requests in review only, and the workflow refuses it otherwise).

The workflow (gis/certificates/workflow.py) moves requests only along TRANSITIONS; the API and
the pages ask this module what a state allows and how it is called. The database's CHECK on
`registry.request.status` (migration 0001, kept as it was) holds the same states;
tests/test_vocabularies.py fails when the two differ.
"""

from __future__ import annotations

STATES = ("received", "draft", "review", "issued", "downloaded", "cancelled")
INITIAL = "received"

# state → the states it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    "received": frozenset({"draft", "review", "cancelled"}),
    "draft": frozenset({"review", "cancelled"}),
    "review": frozenset({"draft", "issued", "cancelled"}),
    "issued": frozenset({"downloaded", "cancelled"}),
    "downloaded": frozenset({"cancelled"}),
    "cancelled": frozenset(),
}
# a document exists (its PDF is served, no draft any more)
ISSUED = frozenset({"issued", "downloaded"})
# no draft any more
CLOSED = ISSUED | {"cancelled"}

# officers' actions (URL words, always a POST) → the state they move a request to. Reads (the
# status, the draft, the PDF) change no state, except the applicant's first download of an issued
# document (with the request's token), which makes it "downloaded".
ACTIONS = {"draft": "draft", "review": "review", "issue": "issued", "cancel": "cancelled"}

# the names of the states, the same words on the desk, on the applicant's page and in the API's
# messages (the desk once said "proiect" where the applicant read "în lucru (proiect)")
LABELS = {"received": "înregistrată", "draft": "în lucru (proiect)", "review": "în verificare", "issued": "emis",
          "downloaded": "emis și descărcat", "cancelled": "anulată"}

def can_move(state: str, to: str) -> bool:
    return to in TRANSITIONS.get(state, ())


def allows(state: str, action: str) -> bool:
    """Whether an officer's `action` (draft, review, issue, cancel) applies to a request in `state`."""
    return can_move(state, ACTIONS[action])
