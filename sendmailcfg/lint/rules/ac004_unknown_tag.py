"""An access key with a tag sendmail never looks up (a typo such as ``Conect:``).

Tags are matched exactly (case-insensitively): a misspelt tag, or a tag
followed by ``.`` instead of ``:`` (``Connect.host.example``, from the HP-UX
guide), makes a key that no ruleset ever builds, so the entry silently does
nothing. Tags declared with ``+CITag:Name`` in a TLS value are accepted. The
``.`` check only fires for the documented spelling (``Connect.``, ``From.``),
since ``to.example.com`` is an ordinary host name.

Bad::

    Conect:192.0.2        REJECT
    Connect.bad.example   REJECT

Good::

    Connect:192.0.2        REJECT
    Connect:bad.example    REJECT
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._access import TAG_BY_FOLD, suspects
from sendmailcfg.lint.engine import Problem
from sendmailcfg.maps.facts import custom_tags

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "AC004"
NAME = "ac-unknown-tag"
SEVERITY = "error"
KINDS = ("access",)

_DOTTED_TAG = re.compile(r"([A-Za-z_]+)\.")
_CANONICAL = {t for t in TAG_BY_FOLD.values() if not t.islower()}
"""Tags spelt as sendmail's docs do (``Connect``): a lower-case ``to.example.com`` is a host."""


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    custom: set[str] | None = None
    for a in suspects(file):
        e = a.entry
        if not a.tag:
            m = _DOTTED_TAG.match(e.key)
            if m and m.group(1) in _CANONICAL and len(e.key) > m.end():
                tag = TAG_BY_FOLD[m.group(1).lower()]
                yield Problem(
                    e.line,
                    m.end(),
                    f"{e.key} looks like the {tag}: tag with '.' instead of ':' "
                    "(it is an untagged domain key)",
                    f"write `{tag}:{e.key[m.end() :]}`",
                )
            continue
        fold = a.tag.lower()
        if fold in TAG_BY_FOLD:
            continue
        if custom is None:
            custom = file.memo("access-custom-tags", lambda f: custom_tags(f.text))
        if fold in custom:
            continue
        import difflib

        close = difflib.get_close_matches(fold, list(TAG_BY_FOLD), n=1, cutoff=0.6)
        hint = (
            f"did you mean {TAG_BY_FOLD[close[0]]}:?"
            if close
            else "known tags: " + ", ".join(sorted(TAG_BY_FOLD.values(), key=str.lower))
        )
        yield Problem(e.line, 1, f"unknown tag {a.tag}: (never looked up)", hint)
