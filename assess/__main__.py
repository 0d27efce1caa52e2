"""Run the command line with ``python -m assess``."""

from assess.cli import main

main()
