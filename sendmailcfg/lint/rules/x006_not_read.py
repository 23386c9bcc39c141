"""A file in the linted folder that was not read: a FIFO, socket or device, or too large.

``lint`` never opens a FIFO, socket or device node it finds where a map source
or ``.mc`` is expected (reading one could hang or never end), and never reads
a file larger than ``max-file-size`` (64 MiB unless configured in
``[tool.sendmailcfg.lint]``). Such files are reported, with severity ``info``
for special files and ``warning`` for a file too large to check, and the rest
of the folder is linted as usual. Reported by the file reader, not by a check
of the file's content.

Bad: ``mkfifo /etc/mail/access`` (sendmail's makemap would block on it, too).

Good: a regular file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, Problem

ID = "X006"
NAME = "x-not-read"
SEVERITY = "info"
KINDS = ("mc", "map")
SCOPE = "set"


def check(fileset: FileSet) -> Iterator[Problem]:
    """Nothing to check in loaded files: the reader reports what it did not load."""
    return iter(())
