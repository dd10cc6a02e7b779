"""python -m gis.generator --parcels N --seed S --out DIR [--formats all|gpkg]"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from gis.generator import FORMATS, generate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m gis.generator",
                                     description="Write a fictional Romanian commune.")
    parser.add_argument("--parcels", type=int, default=2000, help="number of parcels (≥ 300)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--formats", choices=FORMATS, default="all",
                        help="gpkg: GeoPackage and CSVs only; all: also shapefiles, CGXML, GeoTIFF")
    args = parser.parse_args(argv)
    summary = generate(args.parcels, args.seed, args.out, formats=args.formats)
    print(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
