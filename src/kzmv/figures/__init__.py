"""The figures layer: the house style and one module of charts per theme.

A chart function takes the tidy frame an analysis function made and publishes
one figure (SVG and PNG, deterministic bytes) with a title that states the
finding, units, a source line and the partner-group colours of
:mod:`kzmv.figures.style`. Figures never import the story.
"""
