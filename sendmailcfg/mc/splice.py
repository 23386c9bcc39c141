r"""Edit a parsed ``.mc`` tree by replacing top-level nodes: no re-parse of the file.

An edit is a list of :class:`Edit` spans of the current text. :func:`splice`
finds the top-level items the spans touch, re-lexes only those items plus one
neighbour on each side (widening while a neighbour does not come back as it was,
e.g. when two runs of text would merge), and puts the new items in their place.
Everything before and after is kept as the very same node objects, so the result
is the tree :func:`~sendmailcfg.syntax.mc_parser.parse_mc_tree` would build for the
new text (the tests compare them), for the cost of what changed.

>>> from sendmailcfg.syntax.mc_parser import parse_mc_tree
>>> tree = parse_mc_tree("OSTYPE(linux)\nMAILER(smtp)\n")
>>> new = splice(tree, [Edit(14, 14, "FEATURE(`x')\n")])
>>> new.text
"OSTYPE(linux)\nFEATURE(`x')\nMAILER(smtp)\n"
>>> new.items[0] is tree.items[0] and new.items[-1] is tree.items[-1]
True
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence

from sendmailcfg.syntax.mc_nodes import McItem, McTree
from sendmailcfg.syntax.mc_parser import parse_mc_tree
from sendmailcfg.textdiff import Edit

Replacement = Edit
"""The name :class:`~sendmailcfg.textdiff.Edit` had here before it was shared with lint."""


def item_offsets(tree: McTree) -> list[int]:
    """Start offset of every top-level item, plus the end of the text."""
    out = [0] * (len(tree.items) + 1)
    pos = 0
    for i, item in enumerate(tree.items):
        out[i] = pos
        pos += item.length
    out[-1] = pos
    return out


def splice(
    tree: McTree,
    replacements: Sequence[Edit],
    offsets: list[int] | None = None,
) -> McTree:
    """The tree with ``replacements`` (non-overlapping, any order) applied."""
    return splice_span(tree, replacements, offsets)[0]


def splice_span(
    tree: McTree,
    replacements: Sequence[Edit],
    offsets: list[int] | None = None,
) -> tuple[McTree, int, int, int]:
    r""":func:`splice`, and which items changed: ``(new tree, first, old stop, new stop)``
    where ``tree.items[first:old stop]`` became ``new.items[first:new stop]`` (the items
    before and after are the very same objects).

    >>> from sendmailcfg.syntax.mc_parser import parse_mc_tree
    >>> tree = parse_mc_tree("OSTYPE(linux)\nMAILER(smtp)\n")
    >>> splice_span(tree, [Edit(14, 14, "FEATURE(`x')\n")])[1:]
    (2, 2, 4)
    """
    if not replacements:
        return tree, 0, 0, 0
    text = tree.text
    reps = sorted(replacements, key=lambda r: (r.start, r.end))
    for r1, r2 in itertools.pairwise(reps):
        if r2.start < r1.end:
            raise ValueError(f"overlapping replacements {r1} and {r2}")
    pieces: list[str] = []
    pos = 0
    for rep in reps:
        pieces.append(text[pos : rep.start])
        pieces.append(rep.new)
        pos = rep.end
    pieces.append(text[pos:])
    new_text = "".join(pieces)
    offs = item_offsets(tree) if offsets is None else offsets
    items = tree.items
    n = len(items)
    # the items touched: from the one holding the first start to the one holding the last end
    first = max(bisect.bisect_right(offs, reps[0].start) - 1, 0)
    last_end = reps[-1].end
    last = bisect.bisect_left(offs, last_end)  # items[first:last] cover [start, end)
    last = max(min(last, n), first)
    delta = len(new_text) - len(text)
    a, b = first - 1, last + 1  # one neighbour each side
    while True:
        a = max(a, 0)
        b = min(b, n)
        lo, hi = offs[a], offs[b] + delta
        window = parse_mc_tree(new_text[lo:hi]).items
        left = a < first and bool(window) and window[0].text == items[a].text
        right = (
            b - 1 >= last
            and len(window) > (1 if left else 0)
            and window[-1].text == items[b - 1].text
            and _complete(window[-1])
        )
        ok_left = left or a >= first or a == 0
        ok_right = right or b - 1 < last or b == n
        if ok_left and ok_right:
            break
        if not ok_left:
            a -= 2
        if not ok_right:
            b += 2
    # keep the neighbours' own node objects when they came back unchanged
    kl = 1 if left else 0
    kr = 1 if right else 0
    middle = window[kl : len(window) - kr]
    new_items: tuple[McItem, ...] = items[: a + kl] + tuple(middle) + items[b - kr :]
    return McTree(new_text, new_items), a + kl, b - kr, a + kl + len(middle)


def _complete(item: McItem) -> bool:
    return bool(getattr(item, "closed", True))
