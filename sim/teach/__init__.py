"""The teaching page (``commsim-teach``): a group's life played live in the browser, on Mesa's SolaraViz."""
