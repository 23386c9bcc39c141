r"""Unified diffs of two texts that ``patch`` applies, missing final newlines included.

>>> print(unified_diff("a\n", "a\nb", "m"), end="")
--- m
+++ m
@@ -1 +1,2 @@
 a
+b
\ No newline at end of file
"""

from __future__ import annotations

import difflib

NO_NEWLINE = "\\ No newline at end of file\n"
"""The marker diff(1) prints after a last line that has no newline."""


def unified_diff(before: str, after: str, path: str = "file", *, context: int = 3) -> str:
    """``diff -u`` of ``before`` and ``after``; both headers name ``path``.

    A line without a final newline is followed by :data:`NO_NEWLINE`, so the
    output applies with ``patch`` and shows an added or removed final newline.
    """
    out: list[str] = []
    for line in difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        path,
        path,
        n=context,
    ):
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n")
            out.append(NO_NEWLINE)
    return "".join(out)
