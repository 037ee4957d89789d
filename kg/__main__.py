"""Allow `python -m kg`."""

from kg.answers import main

main()
