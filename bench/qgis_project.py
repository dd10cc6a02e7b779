"""Writes the QGIS project QGIS Server serves in the comparison: the same `public_api.parcel`
view, published as WFS/OGC API Features. Runs under Debian's python3 with PyQGIS:

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 bench/qgis_project.py HOST PORT DB USER OUT.qgs
"""
import sys

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsDataSourceUri,
    QgsProject,
    QgsVectorLayer,
    QgsWkbTypes,
)

host, port, db, user, out = sys.argv[1:6]
app = QgsApplication([], False)
app.initQgis()
uri = QgsDataSourceUri()
uri.setConnection(host, port, db, user, "")
uri.setDataSource("public_api", "parcel", "geom", "", "id")
uri.setSrid("3844")
uri.setWkbType(QgsWkbTypes.MultiPolygon)
uri.setParam("checkPrimaryKeyUnicity", "0")
layer = QgsVectorLayer(uri.uri(False), "parcels", "postgres")
if not layer.isValid():
    sys.exit("the PostGIS layer is not valid: " + layer.error().summary())
project = QgsProject.instance()
project.setCrs(QgsCoordinateReferenceSystem("EPSG:3844"))
project.addMapLayer(layer)
project.writeEntry("WFSLayers", "/", [layer.id()])
project.writeEntry("WMSCrsList", "/", ["EPSG:3844", "EPSG:4326", "EPSG:3857"])
project.writeEntry("WMSServiceCapabilities", "/", True)
ok = project.write(out)
print("written" if ok else "failed", out)
app.exitQgis()
