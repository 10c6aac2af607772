"""The analysis layer: pure functions on DataFrames, one module per theme.

Each takes tidy tables from the data layer and returns tables or numbers; none
reads ``pipeline.yml``, names a notebook, draws or writes prose, so each can be
tested with a small frame and plain pandas.
"""
