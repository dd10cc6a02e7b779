"""Geometric tolerances: the one place where "small enough to ignore" and "too thin to be real"
are decided, for the editing API, the importers, the layer check and the certificates.

Settings (gis/settings.py) take their defaults from here; a deployment may change those.
"""

from __future__ import annotations

SAME_GEOMETRY_M = 0.0005   # imports: an outline no farther than this from the current one is the same (unchanged)
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
