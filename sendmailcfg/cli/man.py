"""Print the manual page of sendmailcfg (roff, section 1), generated from the parser.

``sendmailcfg man | man -l -`` reads it; ``sendmailcfg man >
/usr/local/share/man/man1/sendmailcfg.1`` installs it. Every command, sub-command and
option is there, with the help texts ``--help`` prints, the exit statuses and the
environment variables.
"""

from __future__ import annotations

import argparse
import sys

NAME = "man"
HELP = "print the manual page (roff) generated from the command line's parser"

EXAMPLES = """examples:
  sendmailcfg man | man -l -
  sendmailcfg man > /usr/local/share/man/man1/sendmailcfg.1"""

ENVIRONMENT = (
    ("SENDMAIL_CF_DIR", "sendmail's cf package folder (holding m4/cf.m4), for make and render."),
    ("SENDMAIL_MC", "the .mc make builds, in its folder."),
    ("NO_COLOR", "when set (not empty), lint output is never coloured."),
    ("FORCE_COLOR", "when set (not empty), lint text output is coloured even on a pipe."),
)

EXIT_STATUSES = (
    ("0", "success (also: --check --json found a change; the JSON says so)."),
    (
        "1",
        "findings: lint or check found problems, --check would change a file, make failed, "
        "get or query found no value.",
    ),
    ("2", "usage error, unreadable or unparseable file (never rewritten), no cf package."),
    ("3", "--strict refused an edit that would bring in lint findings."),
)


def roff(text: str) -> str:
    r"""``text`` made safe for roff: backslashes, a leading ``.`` or ``'``, hyphens.

    >>> roff(".x -y \\z")
    '\\&.x \\-y \\ez'
    """
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(
        "\\&" + line if line.startswith((".", "'")) else line for line in text.split("\n")
    )


def _paragraphs(text: str) -> list[str]:
    from sendmailcfg.cli._help import HelpFormatter

    plain = HelpFormatter("x")._fill_text(text, 10_000, "")
    return [p for p in plain.split("\n") if p.strip()]


def _usage(p: argparse.ArgumentParser) -> str:
    return " ".join(p.format_usage().removeprefix("usage: ").split())


def _section(p: argparse.ArgumentParser, out: list[str]) -> None:
    out.append(f'.SS "{roff(p.prog)}"')
    out.append(".nf")
    out.append(roff(_usage(p)))
    out.append(".fi")
    for para in _paragraphs(p.description or ""):
        out.append(".PP")
        out.append(roff(para))
    for a in p._actions:
        if not a.option_strings or isinstance(a, argparse._HelpAction):
            continue
        if a.help == argparse.SUPPRESS:
            continue
        metavar = ""
        if a.nargs != 0:
            metavar = " " + (a.metavar if isinstance(a.metavar, str) else a.dest.upper())
        names = ", ".join(f"\\fB{roff(s)}\\fR" for s in a.option_strings)
        out.append(".TP")
        out.append(f"{names}{roff(metavar)}")
        out.append(roff(" ".join((a.help or "").split())))
    for a in p._actions:
        if isinstance(a, argparse._SubParsersAction):
            for child in dict.fromkeys(a.choices.values()):
                _section(child, out)


def page(parser: argparse.ArgumentParser | None = None) -> str:
    """The whole manual page."""
    from sendmailcfg import _version
    from sendmailcfg.cli import build_parser

    top = parser or build_parser(prog="sendmailcfg")
    out = [
        f'.TH SENDMAILCFG 1 "" "sendmailcfg {_version.__version__}" "User Commands"',
        ".SH NAME",
        "sendmailcfg \\- " + roff(top.description or ""),
        ".SH SYNOPSIS",
        "\\fBsendmailcfg\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]",
        ".SH COMMANDS",
    ]
    for a in top._actions:
        if isinstance(a, argparse._SubParsersAction):
            for c in a._choices_actions:
                out.append(".TP")
                out.append(f"\\fB{roff(c.dest)}\\fR")
                out.append(roff(c.help or ""))
    out.append(".SH DESCRIPTION")
    out.append(
        "Options may come before or after the positional arguments; none may be "
        "abbreviated. Every read command and every edit takes \\fB\\-\\-json\\fR."
    )
    for a in top._actions:
        if isinstance(a, argparse._SubParsersAction):
            for child in a.choices.values():
                _section(child, out)
    out.append(".SH EXIT STATUS")
    for status, text in EXIT_STATUSES:
        out += [".TP", f"\\fB{status}\\fR", roff(text)]
    out.append(".SH ENVIRONMENT")
    for name, text in ENVIRONMENT:
        out += [".TP", f"\\fB{name}\\fR", roff(text)]
    out.append(".SH EXAMPLES")
    out.append(".nf")
    out.extend(roff(line.strip()) for line in (top.epilog or "").splitlines()[1:])
    out.append(".fi")
    out.append(".SH SEE ALSO")
    out.append("\\fBsendmail\\fR(8), \\fBmakemap\\fR(8), \\fBm4\\fR(1)")
    return "\n".join(out) + "\n"


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(page())
    return 0


def configure(parser: argparse.ArgumentParser) -> None:
    """No arguments: the page covers every command."""
