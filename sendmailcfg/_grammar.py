"""Find and compile the Lark grammars in ``grammars/`` (the only place Lark is built).

The grammar files live at the top of the checkout (``grammars/``) and are
copied into the wheel as ``sendmailcfg/grammars/``; :func:`grammar_text`
finds them in either place.

>>> "start" in grammar_text("map")
True
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path
from typing import Any

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


def _cache_file(text: str) -> str | bool:
    """Where Lark may keep the analysed parse table for ``text`` (False: nowhere).

    A private folder under the user's cache directory (``$SENDMAILCFG_CACHE_DIR``,
    else ``$XDG_CACHE_HOME/sendmailcfg``, else ``~/.cache/sendmailcfg``), never the
    shared temp folder: Lark's cache is a pickle, and a pickle is only as
    trustworthy as the folder it sits in. ``SENDMAILCFG_CACHE_DIR=""`` turns it off.
    """
    folder = os.environ.get("SENDMAILCFG_CACHE_DIR")
    if folder is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "sendmailcfg")
    if not folder:
        return False
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        st = os.stat(folder)
        if st.st_uid != os.getuid() or st.st_mode & 0o022:
            return False
    except OSError:
        return False
    digest = hashlib.sha256(f"{lark.__version__}\0{text}".encode()).hexdigest()[:24]
    return os.path.join(folder, f"lark-{digest}.pickle")


@functools.cache
def lalr_parser(name: str, text: str | None = None) -> lark.Lark:
    """A LALR parser with the contextual lexer for a grammar (built once per text).

    ``text`` overrides the file's text (used for makemap's ``-D``/``-t`` variants).
    The analysed grammar is cached on disk (see :func:`_cache_file`), which makes
    a cold start of the CLI several times faster.
    """
    source = text if text is not None else grammar_text(name)
    return lark.Lark(
        source,
        parser="lalr",
        lexer="contextual",
        keep_all_tokens=True,
        maybe_placeholders=False,
        cache=_cache_file(source),
    )


@functools.cache
def lalr_transforming_parser(name: str, transformer: type[lark.Transformer[Any, Any]]) -> lark.Lark:
    """Like :func:`lalr_parser`, running ``transformer()`` inline (no intermediate tree).

    Used by the ``.mc`` parser (``sendmailcfg/syntax/mc_parser.py``); cached on disk the same way.
    """
    source = grammar_text(name)
    return lark.Lark(
        source,
        parser="lalr",
        lexer="contextual",
        keep_all_tokens=True,
        maybe_placeholders=False,
        transformer=transformer(),
        cache=_cache_file(source),
    )
