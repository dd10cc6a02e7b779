"""OGC API Processes: the certificates as processes for staff and granted agencies.

Every registered certificate kind (gis.certificates.kinds) is a process: `urbanism-certificate`
and `street-nomenclature-certificate` for the kinds shipped, one more for each kind registered.
A process computes a certificate's facts for a selection of parcels (JSON), or its draft PDF
(watermark PROIECT) with `"format": "pdf"`. Issuing stays with the officers' workflow: a process
never numbers or stores anything.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pygeoapi.process.base import BaseProcessor, ProcessorExecuteError

from gis.certificates.kinds import all_kinds, by_process
from gis.settings import settings_from_dict


class _Processes(Mapping):
    """process id → certificate kind name, read from the registry each time it is asked."""

    def _now(self) -> dict[str, str]:
        return {k.process: k.name for k in all_kinds().values()}

    def __getitem__(self, process_id: str) -> str:
        return self._now()[process_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._now())

    def __len__(self) -> int:
        return len(self._now())


PROCESSES: Mapping[str, str] = _Processes()


def metadata(process_id: str) -> dict:
    kind = by_process(process_id)
    if kind is None:
        raise KeyError(process_id)
    return kind.process_metadata()


class CertificateProcessor(BaseProcessor):
    def __init__(self, processor_def: dict):
        self.process_id = processor_def["process_id"]
        super().__init__(processor_def, metadata(self.process_id))
        self.settings = settings_from_dict(processor_def["settings"])

    def execute(self, data: dict, outputs=None):
        from gis.certificates import CertificateError, draft
        from gis.certificates.workflow import facts_json
        from gis.parcel_facts import ParcelNotFound

        parcels = data.get("parcels")
        if not isinstance(parcels, list) or not parcels or not all(isinstance(p, str) for p in parcels):
            raise ProcessorExecuteError(user_msg="parcels must be a list of cadastral numbers")
        kind = by_process(self.process_id)
        if kind is None:
            raise ProcessorExecuteError(user_msg=f"the certificate kind of {self.process_id} is no longer offered")
        purpose = str(data.get("purpose") or kind.default_purpose)
        try:
            done = draft(self.settings, kind.name, parcels, purpose)
        except (CertificateError, ParcelNotFound) as exc:
            raise ProcessorExecuteError(user_msg=str(exc)) from None
        if data.get("format") == "pdf":
            return "application/pdf", done.pdf
        return "application/json", {"id": "certificate", "value": facts_json(done.facts)}
