"""``getopt.gnu_getopt`` for commands that must start fast (the stdlib one imports gettext and re).

Same results and the same errors as the standard library's (``tests/test_cli_getopt.py``
compares the two on generated command lines): options may follow operands, ``--``
ends them, ``POSIXLY_CORRECT`` or a leading ``+`` stops at the first operand, long
options may be abbreviated to a unique prefix.

>>> gnu_getopt(["-rt:", "hash", "m", "--back=pure"], "rt:", ["backend="])
([('-r', ''), ('-t', ':'), ('--backend', 'pure')], ['hash', 'm'])
"""

from __future__ import annotations

import os


class GetoptError(Exception):
    """A bad option: ``msg`` says what is wrong, ``opt`` which option (as ``getopt``'s)."""

    def __init__(self, msg: str, opt: str = "") -> None:
        self.msg = msg
        self.opt = opt
        super().__init__(msg, opt)

    def __str__(self) -> str:
        return self.msg


def gnu_getopt(
    args: list[str], shortopts: str, longopts: list[str] | None = None
) -> tuple[list[tuple[str, str]], list[str]]:
    """Parse ``args`` as :func:`getopt.gnu_getopt` does: ``(options, operands)``."""
    opts: list[tuple[str, str]] = []
    operands: list[str] = []
    longs = list(longopts or ())
    if shortopts.startswith("+"):
        shortopts = shortopts[1:]
        options_first = True
    else:
        options_first = bool(os.environ.get("POSIXLY_CORRECT"))
    rest = list(args)
    while rest:
        arg = rest[0]
        if arg == "--":
            operands += rest[1:]
            break
        if arg[:2] == "--":
            rest = _long(opts, arg[2:], longs, rest[1:])
        elif arg[:1] == "-" and arg != "-":
            rest = _shorts(opts, arg[1:], shortopts, rest[1:])
        elif options_first:
            operands += rest
            break
        else:
            operands.append(arg)
            rest = rest[1:]
    return opts, operands


def _long(opts: list[tuple[str, str]], opt: str, longs: list[str], rest: list[str]) -> list[str]:
    optarg: str | None = None
    if "=" in opt:
        opt, optarg = opt.split("=", 1)
    matches = [o for o in longs if o.startswith(opt)]
    if not matches:
        raise GetoptError(f"option --{opt} not recognized", opt)
    if opt in matches:
        has_arg = False
    elif opt + "=" in matches:
        has_arg = True
    elif len(matches) > 1:
        raise GetoptError(f"option --{opt} not a unique prefix", opt)
    else:
        has_arg = matches[0].endswith("=")
        opt = matches[0][:-1] if has_arg else matches[0]
    if has_arg:
        if optarg is None:
            if not rest:
                raise GetoptError(f"option --{opt} requires argument", opt)
            optarg, rest = rest[0], rest[1:]
    elif optarg is not None:
        raise GetoptError(f"option --{opt} must not have an argument", opt)
    opts.append(("--" + opt, optarg or ""))
    return rest


def _shorts(
    opts: list[tuple[str, str]], letters: str, shortopts: str, rest: list[str]
) -> list[str]:
    while letters:
        opt, letters = letters[0], letters[1:]
        if _takes_argument(opt, shortopts):
            if not letters:
                if not rest:
                    raise GetoptError(f"option -{opt} requires argument", opt)
                letters, rest = rest[0], rest[1:]
            optarg, letters = letters, ""
        else:
            optarg = ""
        opts.append(("-" + opt, optarg))
    return rest


def _takes_argument(opt: str, shortopts: str) -> bool:
    for i, c in enumerate(shortopts):
        if opt == c != ":":
            return shortopts.startswith(":", i + 1)
    raise GetoptError(f"option -{opt} not recognized", opt)
