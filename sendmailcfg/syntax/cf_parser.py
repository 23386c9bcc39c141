r"""Parse ``sendmail.cf`` text into logical-line nodes, two ways that must agree.

* :func:`parse_cf_lines_lark` runs the Lark grammar in ``grammars/cf.lark``
  (LALR, contextual lexer; see ``cf_lark.py``). It is the specification.
* :func:`parse_cf_lines` is the fast path used by default: one regex split
  into logical lines, then string operations per line. Hypothesis tests
  (``tests/test_cf_syntax.py``) prove both give identical nodes for any text.

Neither ever fails: lines sendmail refuses become :class:`CfErrorLine` nodes
(:func:`~sendmailcfg.syntax.cf_nodes.check_line`, shared by both).

>>> [type(n).__name__ for n in parse_cf_lines("V10\n# c\n\nSfoo\nR$*\t$@ x\n\tcomment\nZ\n")]
['CfVersion', 'CfComment', 'CfBlank', 'CfRuleset', 'CfRule', 'CfErrorLine']
"""

from __future__ import annotations

import re

from sendmailcfg.syntax.cf_nodes import (
    BLANK,
    NAMED_CLASSES,
    PLAIN_CLASSES,
    CfBlank,
    CfComment,
    CfLine,
    CfRule,
    check_line,
    content_of,
    unknown_line,
)

_LOGICAL = re.compile(r"(?:[^\n]|\n(?=[ \t]))+\n?|\n")
"""A logical line: characters and continuation newlines, then its newline (if any)."""


def split_logical_lines(text: str) -> list[str]:
    r"""``text`` cut into logical lines, each with its newline (continuations joined).

    >>> split_logical_lines("R$*\t$1\n\tnote\nDx\r\n\n")
    ['R$*\t$1\n\tnote\n', 'Dx\r\n', '\n']
    """
    return _LOGICAL.findall(text)


def parse_cf_line(line: str) -> CfLine:
    r"""One logical line (its newline included, if any) -> its node.

    >>> parse_cf_line("Dj$w.example.org\n").name
    'j'
    >>> parse_cf_line("S\n").message
    'invalid ruleset name: ""'
    """
    first = line[0]
    if first == "#":
        return CfComment(line)
    content = content_of(line)
    if not content:
        return BLANK if line == "\n" else CfBlank(line)
    if first == "R":
        return check_line(_rule(line, content))
    cls = PLAIN_CLASSES.get(first)
    if cls is not None:
        return check_line(cls(line))
    named = NAMED_CLASSES.get(first)
    if named is not None:
        return check_line(named(line, _name_end(content)))
    return unknown_line(line)


def _rule(line: str, content: str) -> CfRule:
    n = len(content)
    lhs_end = content.find("\t")
    if lhs_end < 0:
        return CfRule(line, n, n, n, n)
    rhs_start = lhs_end
    while rhs_start < n and content[rhs_start] == "\t":
        rhs_start += 1
    rhs_end = content.find("\t", rhs_start)
    if rhs_end < 0:
        return CfRule(line, lhs_end, rhs_start, n, n)
    comment_start = rhs_end
    while comment_start < n and content[comment_start] == "\t":
        comment_start += 1
    return CfRule(line, lhs_end, rhs_start, rhs_end, comment_start)


def _name_end(content: str) -> int:
    if len(content) < 2:
        return len(content)
    if content[1] != "{":
        return 2
    close = content.find("}", 2)
    return len(content) if close < 0 else close + 1


def parse_cf_lines(text: str) -> list[CfLine]:
    """The fast path: text -> one node per logical line (see the module docstring)."""
    return [parse_cf_line(line) for line in _LOGICAL.findall(text)]


def parse_cf_lines_lark(text: str) -> list[CfLine]:
    """The reference parser: the Lark grammar, then the same shape checks.

    Lark is imported only here, so loading a ``.cf`` with the fast path stays cheap.
    """
    from sendmailcfg.syntax.cf_lark import parse_with_lark

    return parse_with_lark(text)
