"""Find and compile the Lark grammars in ``grammars/`` (the only place Lark is built).

The grammar files live at the top of the checkout (``grammars/``) and are
copied into the wheel as ``sendmailcfg/grammars/``; :func:`grammar_text`
finds them in either place.

>>> "start" in grammar_text("map")
True
"""

from __future__ import annotations

import functools
from pathlib import Path

import lark

_HERE = Path(__file__).resolve().parent
_SEARCH = (_HERE / "grammars", _HERE.parent / "grammars")


def grammar_path(name: str) -> Path:
    """The path of ``grammars/<name>.lark``, from an installed wheel or a checkout."""
    for folder in _SEARCH:
        candidate = folder / f"{name}.lark"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"grammar {name}.lark not found in {', '.join(map(str, _SEARCH))}")


@functools.cache
def grammar_text(name: str) -> str:
    """The text of ``grammars/<name>.lark``."""
    return grammar_path(name).read_text(encoding="utf-8")


@functools.cache
def lalr_parser(name: str, text: str | None = None) -> lark.Lark:
    """A LALR parser with the contextual lexer for a grammar (built once per text).

    ``text`` overrides the file's text (used for makemap's ``-D``/``-t`` variants).
    """
    return lark.Lark(
        text if text is not None else grammar_text(name),
        parser="lalr",
        lexer="contextual",
        keep_all_tokens=True,
        maybe_placeholders=False,
    )
