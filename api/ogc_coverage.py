"""/ogc coverages (the orthophoto): what pygeoapi's rasterio provider does not do for clients.

- GeoTIFF is the default format and is answered here, from one Cloud-Optimized GeoTIFF
  (layers/coverage_cog.py): the whole coverage is that file, served with HTTP Range (206,
  Content-Range, 416, ETag, Last-Modified) so that `gdalinfo /vsicurl/…/coverage?f=GTiff` and QGIS
  read only the blocks they need; a subset or bbox is the exact window of cells it overlaps; a
  scale-size request (GDAL's OGCAPI driver asks for 256×256 blocks) is exactly that many cells.
  pygeoapi's provider cropped with a polygon mask (the south-east corner went missing) and wrote a
  one-band YCbCr-JPEG file it could not (a 500).
- The collection description says what the collection is: `layerDataType: Coverage` (GDAL's OAPIF
  driver then does not take it for a feature layer and probe /items), and the CIS 1.1 `domainset`
  and `rangetype` that GDAL's OGCAPI driver reads for the grid (size, cell size, origin), the
  band count and type.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Response, make_response, send_file
from werkzeug.exceptions import RequestedRangeNotSatisfiable

from api.coverage_params import CoverageQuery, CoverageShape, check_coverage_args
from layers.coverage_cog import ensure_cog, reader

GEOTIFF = "image/tiff; application=geotiff"
# CIS 1.1 / SWE data types of the bands, spelled as GDAL's OGCAPI driver reads them
DATA_TYPES = {"uint8": "ogcType:unsignedByte", "int16": "ogcType:signedShort", "uint16": "ogcType:unsignedShort",
              "int32": "ogcType:signedInt", "uint32": "ogcType:unsignedInt", "float32": "ogcType:float32",
              "float64": "ogcType:double"}


class Coverages:
    """The coverage collections of one configuration, their shapes and their COGs."""

    def __init__(self, settings, config: dict):
        self.providers = {cid: p for cid, r in config["resources"].items() for p in r.get("providers", [])
                          if p.get("type") == "coverage"}
        self._shapes: dict[str, CoverageShape] = {}
        # written once (on the first start after the orthophoto changed), not on a client's request
        self.cogs = {cid: ensure_cog(Path(p["data"]), settings.var_dir) for cid, p in self.providers.items()}

    def shape(self, collection_id: str) -> CoverageShape:
        if collection_id not in self._shapes:
            self._shapes[collection_id] = CoverageShape.from_provider(self.providers[collection_id])
        return self._shapes[collection_id]

    def check(self, collection_id: str, args) -> CoverageQuery:
        return check_coverage_args(self.shape(collection_id), args)

    def geotiff(self, collection_id: str, query: CoverageQuery) -> Response:
        cog = self.cogs[collection_id]
        if query.whole_file:
            try:
                response = send_file(cog, mimetype=GEOTIFF, conditional=True, etag=True, max_age=3600,
                                     download_name=f"{collection_id}.tif", as_attachment=True)
            except RequestedRangeNotSatisfiable:  # an OGC error, with the size a client needs to ask again
                size = cog.stat().st_size
                return make_response({"code": "RangeNotSatisfiable", "type": "RangeNotSatisfiable",
                                      "description": f"the requested byte range is outside the file "
                                                     f"({size} bytes)"}, 416, {"Content-Range": f"bytes */{size}"})
            response.headers["Accept-Ranges"] = "bytes"
            return response
        x, y = self.shape(collection_id).axes
        cells = reader(str(cog))
        if query.size is not None:
            data = cells.resampled(query.asked[x], query.asked[y], query.size, query.bands)
        else:
            data = cells.window(query.ranges[x], query.ranges[y], query.bands)
        return Response(data, mimetype=GEOTIFF,
                        headers={"Content-Disposition": f'attachment; filename="{collection_id}-subset.tif"'})

    def describe(self, describe_collections):
        """pygeoapi's describe_collections, with what a coverage collection is added to its JSON."""

        def view(api, api_request, dataset=None):
            headers, status, content = describe_collections(api, api_request, dataset)
            if status != 200 or "json" not in str(headers.get("Content-Type", "")) \
                    or "ld+json" in str(headers.get("Content-Type", "")):
                return headers, status, content
            doc = json.loads(content)
            for collection in doc.get("collections", [doc]):
                if collection.get("id") in self.providers:
                    collection["layerDataType"] = "Coverage"
                    if dataset is not None:
                        collection.update(self.cis_description(collection["id"]))
            # as pygeoapi writes JSON (layers/pygeoapi_speedups.py): no raw < or >
            return headers, status, json.dumps(doc, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")

        return view

    def cis_description(self, collection_id: str) -> dict:
        """CIS 1.1 domainset and rangetype. axisLabels follow the CRS's axis order (northing first
        for Stereo 70); the `axis` list is easting first, each axis naming its label (GDAL 3.6 reads
        the list by position as x, y and swaps the labels of a northing-first CRS)."""
        shape = self.shape(collection_id)
        x0, y0, x1, y1 = shape.native
        rx, ry = shape.resolution
        labels = [shape.axes[1], shape.axes[0]] if shape.northing_first else list(shape.axes)
        dtype = reader(str(self.cogs[collection_id]))._src.dtypes[0]
        return {
            "domainset": {"type": "DomainSet", "generalGrid": {
                "type": "GeneralGridCoverage", "srsName": shape.crs_uri, "axisLabels": labels,
                "axis": [{"type": "RegularAxis", "axisLabel": shape.axes[0], "lowerBound": x0, "upperBound": x1,
                          "uomLabel": "metre", "resolution": rx},
                         {"type": "RegularAxis", "axisLabel": shape.axes[1], "lowerBound": y0, "upperBound": y1,
                          "uomLabel": "metre", "resolution": ry}],
                "gridLimits": {"type": "GridLimits", "srsName": "http://www.opengis.net/def/crs/OGC/0/Index2D",
                               "axisLabels": ["i", "j"],
                               "axis": [{"type": "IndexAxis", "axisLabel": "i", "lowerBound": 0,
                                         "upperBound": round((x1 - x0) / rx) - 1},
                                        {"type": "IndexAxis", "axisLabel": "j", "lowerBound": 0,
                                         "upperBound": round((y1 - y0) / ry) - 1}]}}},
            "rangetype": {"type": "DataRecord", "field": [
                {"type": "Quantity", "id": band, "name": band, "definition": DATA_TYPES.get(dtype, dtype),
                 "encodingInfo": {"dataType": DATA_TYPES.get(dtype, dtype)}} for band in shape.fields]},
        }
