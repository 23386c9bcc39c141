"""``python -m sendmailcfg``: see :mod:`sendmailcfg.cli`."""

import sys

from sendmailcfg.cli import main

if __name__ == "__main__":
    sys.exit(main())
