"""Analysis of run directories. Reads files only; never imports the model."""

from .load import load_run  # noqa: F401
