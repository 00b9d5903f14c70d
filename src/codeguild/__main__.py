"""`python -m codeguild` is the CLI."""

from codeguild.cli import app

app(prog_name="codeguild")
