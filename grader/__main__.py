"""``python -m grader NOTEBOOK…``: the grader's command line (see :mod:`grader.cli`)."""
import sys

from grader.cli import main

if __name__ == "__main__":
    sys.exit(main())
