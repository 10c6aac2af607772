"""The data layer: what the raw files are, how they are fetched, verified, read and written.

Manifest (``data/sources.yml``), fetch and checksum verification, pandera
schemas, validated loading, partner codes and groups, the timeline of events
and the documented processed tables. It imports nothing of the project but
:mod:`kzmv.paths`, :mod:`kzmv.errors` and :mod:`kzmv.yamlio`, so every other
layer can rely on it and it on nothing above.
"""
