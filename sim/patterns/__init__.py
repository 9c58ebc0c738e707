"""The pattern library: one module per pattern the model must reproduce (``PATTERN``), run by sim.validate."""
