"""`python -m conflictkg` runs the command line."""
from .cli import app

app(prog_name="conflictkg")
