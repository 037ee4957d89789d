"""Errors that the command line turns into one line on stderr and an exit code."""

from __future__ import annotations

# Exit codes, as pySHACL documents them: 0 ok, 1 not conformant, 2 error.
EXIT_OK = 0
EXIT_NOT_CONFORMANT = 1
EXIT_ERROR = 2


class KgError(Exception):
    """A known failure, reported as one line naming the file, line or thing at fault."""

    exit_code = EXIT_ERROR


class InputError(KgError):
    """Bad input: malformed Turtle, a missing file, an unknown term or query."""


class EvidenceError(InputError):
    """A quote that is not in its source, or is ambiguous there."""


class QueryTimeout(KgError):
    """A query ran longer than its --timeout."""


class EndpointError(KgError):
    """A remote endpoint that is down, refuses or fails."""


class ValidationError(KgError):
    """The built graph does not conform to the shapes or a violation query returned rows."""

    exit_code = EXIT_NOT_CONFORMANT

    def __init__(self, message: str, report: str = "") -> None:
        super().__init__(message)
        self.report = report
