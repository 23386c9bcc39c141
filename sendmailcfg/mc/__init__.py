r"""Semantics of sendmail ``.mc`` files: the view m4 and cf.m4 give, and line-level edits.

>>> doc = parse_mc("OSTYPE(`linux')dnl\nFEATURE(`access_db')dnl\nMAILER(`smtp')dnl\n")
>>> doc.kind, doc.ostype, [f.name for f in doc.features], [m.name for m in doc.mailers]
('mc', 'linux', ['access_db'], ['smtp'])
"""

from __future__ import annotations

from sendmailcfg.mc.document import McDocument
from sendmailcfg.mc.model import (
    Argument,
    ClassMacro,
    Define,
    Feature,
    LocalSection,
    MacroCall,
    Mailer,
    McModel,
    QuoteProblem,
    RawLine,
    analyze,
)
from sendmailcfg.mc.render import RenderError, find_cf_dir, render

__all__ = [
    "Argument",
    "ClassMacro",
    "Define",
    "Feature",
    "LocalSection",
    "MacroCall",
    "Mailer",
    "McDocument",
    "McModel",
    "QuoteProblem",
    "RawLine",
    "RenderError",
    "analyze",
    "find_cf_dir",
    "parse_mc",
    "render",
]


def parse_mc(text: str, *, path: str | None = None, strict: bool = False) -> McDocument:
    """Parse ``.mc`` text (never fails on content unless ``strict=True``: then ``ParseError``)."""
    return McDocument.parse(text, path=path, strict=strict)
