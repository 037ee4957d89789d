"""The report: one `Violation` per problem found (check, focus node, path, message), in order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    """One problem found: what check, which node, which path, what is wrong."""

    check: str
    focus: str
    path: str
    message: str

    def line(self) -> str:
        """Return the violation as one readable line."""
        where = f" {self.path}" if self.path else ""
        return f"{self.check}: {self.focus}{where}: {self.message}"


def order(v: Violation) -> tuple[str, str, str, str]:
    return (v.focus, v.path, v.check, v.message)
