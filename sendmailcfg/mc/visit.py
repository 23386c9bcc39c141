r"""One walk over a ``.mc`` tree, in source order, with the m4 context of every node.

:class:`McVisitor` is the single traversal that the semantic model
(:func:`sendmailcfg.mc.model.analyze`), the edits and the linter build on: subclass it,
override the hooks you need, and
call :meth:`McVisitor.walk`. Each hook gets the node, its offset in the text and a
:class:`Context` (inside a ``#`` line? nested in another call's arguments? in the
arguments of ``dnl(...)``?). ``call``, ``dnl`` and ``hash_comment`` return whether to
walk into the node (the default: yes). The walk is iterative: deeply nested calls
never hit Python's recursion limit.

>>> from sendmailcfg.syntax.mc_parser import parse_mc_tree
>>> class Names(McVisitor):
...     def __init__(self) -> None:
...         self.seen: list[tuple[str, int, bool]] = []
...     def call(self, node: McCall, offset: int, ctx: Context) -> bool:
...         self.seen.append((node.name, offset, ctx.nested))
...         return True
>>> v = Names()
>>> v.walk(parse_mc_tree("define(`X', eval(1+2))\n# FEATURE(`y')\n"))
>>> v.seen
[('define', 0, False), ('eval', 12, True), ('FEATURE', 25, False)]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import attrs

from sendmailcfg.syntax.mc_nodes import (
    McArg,
    McCall,
    McDnl,
    McHashComment,
    McItem,
    McParen,
    McQuoted,
    McToken,
    McTree,
)


@attrs.frozen
class Context:
    """Where a node sits: in a ``#`` line, nested in a call's arguments, in ``dnl(...)``."""

    in_hash: bool = False
    nested: bool = False
    in_dnl: bool = False


TOP = Context()


class McVisitor:
    """Walk a tree in source order; override the hooks (all do nothing by default)."""

    token_kinds: ClassVar[frozenset[str] | None] = None
    """The token kinds :meth:`token` is called for (None: every kind); a visitor that
    needs only some says so, and the walk skips the calls for the others."""

    def call(self, node: McCall, offset: int, ctx: Context) -> bool:
        """A macro call; return False to skip its arguments."""
        return True

    def arg(self, node: McArg, offset: int, ctx: Context, index: int) -> None:
        """Argument ``index`` of the call being walked (``ctx`` is the arguments' context)."""

    def token(self, node: McToken, offset: int, ctx: Context) -> None:
        """A leaf token (text, a word, punctuation, a newline)."""

    def quoted(self, node: McQuoted, offset: int, ctx: Context) -> None:
        """A quoted string (m4 does not look inside)."""

    def dnl(self, node: McDnl, offset: int, ctx: Context) -> bool:
        """``dnl`` and the rest of its line; return False to skip ``dnl(...)``'s arguments."""
        return True

    def hash_comment(self, node: McHashComment, offset: int, ctx: Context) -> bool:
        """A ``#`` line (m4 expands what is in it); return False to skip its items."""
        return True

    def walk(self, tree: McTree | Sequence[McItem], offset: int = 0, ctx: Context = TOP) -> None:
        """Visit every item of ``tree`` (or of a sequence of items starting at ``offset``)."""
        items = tree.items if isinstance(tree, McTree) else tree
        kinds = self.token_kinds
        # a frame: items, next index, offset of that item, context, the argument they are
        stack: list[_Frame] = [(items, 0, offset, ctx, None, 0)]
        while stack:
            seq, i, pos, c, arg, index = stack.pop()
            if arg is not None and i == 0:
                self.arg(arg, pos, c, index)
            n = len(seq)
            while i < n:
                item = seq[i]
                i += 1
                here = pos
                pos += item.length
                t = type(item)
                if t is McToken:
                    if kinds is None or item.kind in kinds:  # type: ignore[union-attr]
                        self.token(item, here, c)  # type: ignore[arg-type]
                elif t is McQuoted:
                    self.quoted(item, here, c)  # type: ignore[arg-type]
                elif t is McCall:
                    if self.call(item, here, c) and item.args:  # type: ignore[arg-type,union-attr]
                        stack.append((seq, i, pos, c, None, 0))
                        _push_args(stack, item, here, _CTX[c.in_hash, True, c.in_dnl])  # type: ignore[arg-type]
                        break
                elif t is McDnl:
                    call = item.call  # type: ignore[union-attr]
                    if self.dnl(item, here, c) and call is not None and call.args:  # type: ignore[arg-type]
                        stack.append((seq, i, pos, c, None, 0))
                        _push_args(stack, call, here, _CTX[c.in_hash, True, True])
                        break
                elif t is McParen:
                    stack.append((seq, i, pos, c, None, 0))
                    stack.append((item.items, 0, here, c, None, 0))  # type: ignore[union-attr]
                    break
                elif t is McHashComment and self.hash_comment(item, here, c):  # type: ignore[arg-type]
                    stack.append((seq, i, pos, c, None, 0))
                    stack.append((item.items, 0, here, _CTX[True, c.nested, c.in_dnl], None, 0))  # type: ignore[union-attr]
                    break


_Frame = tuple[Sequence[McItem], int, int, Context, "McArg | None", int]
_CTX = {
    (h, n, d): Context(h, n, d) for h in (False, True) for n in (False, True) for d in (False, True)
}


def _push_args(stack: list[_Frame], call: McCall, offset: int, ctx: Context) -> None:
    """Push the arguments of ``call`` so they are walked next, in order."""
    frames: list[_Frame] = []
    pos = offset + len(call.name) + 1
    for index, arg in enumerate(call.args):
        frames.append((arg.items, 0, pos, ctx, arg, index))
        pos += arg.length + 1
    stack.extend(reversed(frames))
