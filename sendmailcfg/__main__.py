"""``python -m sendmailcfg``: see :mod:`sendmailcfg.cli`."""

import sys

from sendmailcfg.cli import main

sys.exit(main())
