"""Geometric tolerances: the one place where "small enough to ignore" and "too thin to be real"
are decided, for the editing API, the importers, the layer check and the certificates.

Settings (gis/settings.py) take their defaults from here; a deployment may change those.
"""

from __future__ import annotations

# imports: an outline no farther than this from the current one is the same (unchanged). Rounding X
# and Y to the millimetre moves a vertex by up to √2 × 0.5 mm: a file rounded so is not a change.
SAME_GEOMETRY_M = 0.0005 * 2 ** 0.5
OVERLAP_M2 = 0.01          # overlaps smaller than this are numerical noise (saves, imports, layer check)
AREA_SHARE = 0.02          # measured vs legal area: a warning beyond this share (settings.edit_area_tolerance)
EDIT_GAP_WIDTH_M = 0.5     # saving: a strip narrower than this between neighbours is a sliver
#                            (settings.edit_gap_width_m)
SLIVER_MIN_LENGTH_M = 2.0  # saves and the layer check: neighbours closer than the sliver width along less of an outline
#                            are two corners meeting (the sample's 0.50 m² "slivers" at 51434: 0.8 m), not a sliver
CHECK_GAP_WIDTH_M = 1.0    # 'Verifică stratul': gaps narrower than this are reported, unless the check names another
SNAP_M = 0.5               # a save with "snap" moves vertices this close onto the neighbours'
#                            (settings.snap_tolerance_m)
MIN_PIECE_M2 = 1.0         # a split may not leave a piece smaller than this
MIN_POLYGON_M2 = 0.5       # an imported polygon smaller than this is a drawing error
REPLACE_SHARE = 0.9        # an import covering this share of a current parcel replaces (retires) it
CONTIGUOUS_M = 0.05        # certificates: parcels closer than this form one continuous piece of land
INTRAVILAN_SHARE = 0.5     # a new parcel is intravilan when at least this share of its area lies inside the intravilan
# Imports: an overlap is judged by its width (area over half its perimeter, the mean width of a
# strip), not its area: a 0.01 m² overlap along a 40 m shared edge is 0.25 mm wide. CGXML carries
# X/Y with three decimals (the millimetre), so a vertex rounded in the file is up to √2 × 0.5 mm
# ≈ 0.7 mm from where the database holds it; two neighbours rounded independently can cross by
# about twice that. 2 mm covers it and is still far below a real boundary dispute (centimetres).
ROUNDING_M = 0.002         # imports: overlaps thinner than this are rounding; vertices this close snap
# A file in another CRS is as accurate as its transformation: WGS 84/ETRS89 → Stereo 70 by the
# EPSG 7-parameter transformation is good to about 3 m (DOMAIN.md; TransDatRO 0.1–0.15 m).
REPROJECTION_M = 3.0       # imports: overlap width and snap distance of a reprojected layer
