"""The `kg` console script: a repeated `kg query` answered from the cache, else the full CLI.

`main` looks a stored answer up through `kg.answers` (which imports neither the command-line
framework nor an RDF library) and only on a miss imports `kg.cli`. It sits above both, so
neither imports the other back.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run `kg`: a repeated `kg query` from the cache at once, anything else on `kg.cli`."""
    from kg.answers import answered

    if answered(sys.argv[1:]):
        return
    from kg.cli import main as full

    full()
