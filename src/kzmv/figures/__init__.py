"""The figures layer: the house style and one module of charts per theme.

A chart function takes the tidy frame an analysis function made and the words
the story layer wrote for it (:class:`~kzmv.figures.style.FigureText`), draws
one figure in the house style of :mod:`kzmv.figures.style` (partner-group
colours, units) and returns it as a :class:`~kzmv.figures.style.Chart`;
:func:`kzmv.figures.style.save` writes it (SVG and PNG, deterministic bytes).
Figures never import the story and write no sentence of their own.
"""
