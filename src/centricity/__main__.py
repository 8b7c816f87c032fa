"""`python -m centricity` runs the command line."""

from centricity.cli import main

main()
