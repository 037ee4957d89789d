"""Allow `python -m kg`."""

from kg.console import main

main()
