import argparse
from pathlib import Path

from gis.synthetic import generate

parser = argparse.ArgumentParser(prog="python -m gis.synthetic")
parser.add_argument("--parcels", type=int, default=2000)
parser.add_argument("--seed", type=int, default=42)
parser.add_argument("--out", type=Path, required=True)
parser.add_argument("--formats", choices=["all", "gpkg"], default="all")
args = parser.parse_args()
print(generate(args.parcels, args.seed, args.out, formats=args.formats))
