"""The build engine: pipeline spec and parameter checks, the runner, kernels, rendering, the bench.

It may use every other layer and nothing imports it but the command line
(and a notebook's first cell, which checks its parameters against the spec).
"""
