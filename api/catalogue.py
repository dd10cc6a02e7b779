"""/ogc/collections/{id}/metadata/iso19139: a dataset's ISO 19139 document (layers/catalogue.py),
for the national geoportal's harvester. Access is the collection's: the caller checks it first."""

from __future__ import annotations

from flask import Response, make_response

from api.errors import ogc_exception
from layers.catalogue import ISO19139_TYPE, Catalogue


def iso19139_response(catalogue: Catalogue, collection_id: str, private: bool) -> Response:
    if collection_id not in catalogue.mcf:
        return ogc_exception(404, f"no dataset {collection_id[:80]!r} in the catalogue")
    response = make_response(catalogue.iso19139(collection_id), 200)
    response.headers["Content-Type"] = f"{ISO19139_TYPE}; charset=utf-8"
    if private:
        response.headers["Cache-Control"] = "private, no-store"
    return response
