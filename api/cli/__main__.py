"""`python -m api.cli`: the same as `teritoriu`."""

from api.cli import run

run()
