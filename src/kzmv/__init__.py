"""kzmv: the shared logic of the report on Kazakhstan's multi-vector foreign policy.

The notebooks stay thin: every calculation, check and chart lives here, where it
can be unit-tested and reused, so a number in the report has one definition.
"""

__version__ = "0.1.0"
