"""One exception type for every error a user can cause.

Bad data and bad parameters are the user's to fix, so they deserve a message
written for a person (file, row or column, what was expected, what was found),
not a traceback. The CLI prints ``str(error)`` and exits non-zero.
"""


class PipelineError(Exception):
    """A problem with the inputs or parameters that the user can fix."""
