"""`python -m centricity` runs the command line."""

from centricity.cli import main

# Guarded: a child process started by `multiprocessing` (analytics/io_sqlite.py) may import
# the parent's main module, and must not run the command line again.
if __name__ == "__main__":
    main()
