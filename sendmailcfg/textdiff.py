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
from collections.abc import Iterable

import attrs

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


@attrs.frozen(order=True)
class Edit:
    """Replace ``text[start:end]`` with ``new`` (``start == end`` inserts; offsets count
    characters): the one text edit behind ``.mc`` edits (:mod:`sendmailcfg.mc.splice`
    splices them into the syntax tree) and lint's fixes (``Finding.fix``).

    >>> apply_edits("FEATURE(x)", [Edit(8, 9, "y")])
    ('FEATURE(y)', 1)
    """

    start: int
    end: int
    new: str

    @property
    def replacement(self) -> str:
        """``new``, by the name lint's fixes gave it."""
        return self.new


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, int]:
    """``text`` with ``edits`` applied in order of position (of overlapping ones the first
    wins; one past the end is skipped): ``(new text, number applied)``. Every byte outside
    the edited spans stays as it was.

    >>> apply_edits("abc", [Edit(0, 1, "A"), Edit(0, 2, "x"), Edit(3, 3, "!")])
    ('Abc!', 2)
    """
    out = []
    pos = 0
    applied = 0
    for e in sorted(set(edits), key=lambda x: (x.start, x.end)):
        if e.start < pos or e.end > len(text):
            continue  # overlaps one already applied: the next round gets it
        out.append(text[pos : e.start])
        out.append(e.new)
        pos = e.end
        applied += 1
    out.append(text[pos:])
    return "".join(out), applied
