"""Ask real sendmail 8.17 where a whole configuration sends mail (``route``, ``sender``).

:class:`SiteOracle` writes a configuration folder (an ``.mc`` plus map
sources, as a copy of /etc/mail would hold them), renders the ``.mc`` with
real m4 and the cf package, builds every map with real makemap at the path
the FEATURE names, and answers many addresses in one ``sendmail -bt``
process: ``/parse ADDRESS`` (ruleset 0's triple), ``5 USER`` (ruleset 5, for
local results), and ``/try MAILER ADDRESS`` under ``/tryflags ES`` / ``HS``
(the envelope and header sender forms).

The ``.mc`` keeps what makes sendmail answer offline (see
:mod:`tests.oracle`): a fixed ``$j``, no interface probing, a hosts-file-only
resolver, ``FEATURE(`nocanonify')`` (a host is its own canonical name).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from tests.oracle import ORACLE_HOST, Oracle

MAP_FEATURES = {
    "mailertable": "mailertable",
    "virtusertable": "virtusertable",
    "domaintable": "domaintable",
    "genericstable": "genericstable",
}
"""FEATURE -> source file name (the map is built beside it as NAME.db)."""

_PARSE = re.compile(r"(?m)^mailer ([^,\n]+)(?:, host ([^,\n]*))?(?:, user (.*))?$")
_RETURNS = re.compile(r"(?m)^localaddr\s+returns: ?(.*)$")
_TRY = re.compile(r"(?m)^Rcode = (\d+), addr = ?(.*)$")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\S+')


@attrs.frozen
class Triple:
    """A delivery triple as ``-bt`` prints it (``host`` None when it prints none)."""

    mailer: str
    host: str | None
    user: str | None
    not_remote: bool = False
    """Ruleset 0 wrote the local user ``@user``: sendmail skips ruleset 5 for it."""


def offline_head(workdir: Path, hostname: str) -> str:
    """The lines every oracle ``.mc`` starts with (offline resolver, fixed ``$j``)."""
    (workdir / "service.switch").write_text("hosts\tfiles\naliases\tfiles\n")
    (workdir / "hosts").write_text(f"127.0.0.1\tlocalhost {ORACLE_HOST}\n")
    return "".join(
        [
            "divert(-1)\n",
            "divert(0)dnl\n",
            "OSTYPE(`linux')dnl\n",
            f"define(`confDOMAIN_NAME', `{hostname}')dnl\n",
            "define(`confDONT_PROBE_INTERFACES', `True')dnl\n",
            f"define(`confSERVICE_SWITCH_FILE', `{workdir / 'service.switch'}')dnl\n",
            f"define(`confHOSTS_FILE', `{workdir / 'hosts'}')dnl\n",
            "define(`confBIND_OPTS', `-DNSRCH -DEFNAMES')dnl\n",
            "define(`confDONT_BLAME_SENDMAIL', `MapInUnsafeDirPath,ClassFileInUnsafeDirPath')dnl\n",
            "define(`confLOG_LEVEL', `0')dnl\n",
            "FEATURE(`nocanonify')dnl\n",
        ]
    )


def map_feature(name: str, workdir: Path) -> str:
    """``FEATURE(`name', `hash -o DIR/name')dnl`` for one of :data:`MAP_FEATURES`."""
    return f"FEATURE(`{name}', `hash -o {workdir / MAP_FEATURES[name]}')dnl\n"


class SiteOracle:
    """One configuration folder, rendered and built by the real tools.

    ``body`` is the .mc text between the offline head and the MAILER lines;
    ``maps`` the text of each map source (by file name) to build with makemap.
    """

    def __init__(
        self,
        oracle: Oracle,
        workdir: Path,
        body: str,
        maps: Mapping[str, str] = {},
        *,
        hostname: str = ORACLE_HOST,
        extra_files: Mapping[str, str] = {},
    ) -> None:
        self.oracle = oracle
        self.dir = workdir
        for name, text in extra_files.items():
            (workdir / name).parent.mkdir(parents=True, exist_ok=True)
            (workdir / name).write_text(text, encoding="utf-8")
        mc = offline_head(workdir, hostname) + body + "MAILER(`local')dnl\nMAILER(`smtp')dnl\n"
        self.mc_path = workdir / "sendmail.mc"
        self.mc_path.write_text(mc, encoding="utf-8")
        cf, err, status = oracle.mc2cf(mc, cwd=workdir)  # relative includes: from the folder
        if status != 0 or "ERROR" in err:
            raise RuntimeError(f"m4 failed ({status}): {err}")
        self.cf = workdir / "sendmail.cf"
        self.cf.write_text(cf, encoding="latin-1")
        for name, text in maps.items():
            (workdir / name).write_text(text, encoding="utf-8")
            status, msg = oracle.makemap([], "hash", workdir / name, text.encode("utf-8"))
            if status != 0:
                raise RuntimeError(f"makemap {name} failed ({status}): {msg}")

    def parse(self, addresses: Sequence[str]) -> list[Triple]:
        """``/parse ADDRESS`` for each address: ruleset 0's triple as printed."""
        outs = self.oracle.run_bt_each(self.cf, [f"/parse {a}" for a in addresses])
        return [parse_triple(out) for out in outs]

    def localaddr(self, users: Sequence[str]) -> list[Triple | None]:
        """``5 USER``: the triple ruleset 5 returns, or None when it returns no triple."""
        outs = self.oracle.run_bt_each(self.cf, [f"5 {u}" for u in users])
        return [ruleset_triple(out) for out in outs]

    def sender(self, mailer: str, addresses: Sequence[str]) -> list[tuple[str, str]]:
        """``/try MAILER ADDRESS`` as envelope sender and as header sender: (envelope, header)."""
        cmds: list[str] = []
        for a in addresses:
            cmds += [f"/tryflags ES\n/try {mailer} {a}", f"/tryflags HS\n/try {mailer} {a}"]
        outs = self.oracle.run_bt_each(self.cf, cmds)
        tried = [try_result(out) for out in outs]
        return [(tried[i], tried[i + 1]) for i in range(0, len(tried), 2)]


def parse_triple(out: str) -> Triple:
    """The ``mailer X, host Y, user Z`` line of a ``/parse`` answer."""
    found = list(_PARSE.finditer(out))
    if not found:
        raise AssertionError(f"no triple in /parse output: {out[-400:]!r}")
    mailer, host, user = found[-1].groups()
    returns = re.findall(r"(?m)^parse\s+returns: ?(.*)$", out)
    not_remote = bool(returns) and bool(re.search(r"\$: @", returns[-1]))
    return Triple(mailer, host, user, not_remote)


def ruleset_triple(out: str) -> Triple | None:
    """What ``5 USER`` returns: a triple (``$# m $@ h $: u`` joined back) or None."""
    found = _RETURNS.findall(out)
    if not found:
        raise AssertionError(f"no localaddr answer: {out[-400:]!r}")
    toks = _TOKEN.findall(found[-1])
    if toks[:1] != ["$#"]:
        return None
    parts: dict[str, list[str]] = {"$#": [], "$@": [], "$:": []}
    cur = "$#"
    for t in toks[1:]:
        if t in parts:
            cur = t
        else:
            parts[cur].append(t)
    host = "".join(parts["$@"]) if parts["$@"] else None
    mailer = "".join(parts["$#"])
    if mailer == "error":  # /parse calls it *error*; its text keeps the blanks between words
        return Triple("*error*", host, _words(parts["$:"]))
    return Triple(mailer, host, _address("".join(parts["$:"])))


def _words(toks: list[str]) -> str:
    """Tokens back to text as sendmail's cataddr does: a blank only between two words."""
    out = ""
    previous = False
    for t in toks:
        word = t not in ".:%@!^/[]+()<>,;" and t != "$"
        out += (" " if word and previous else "") + t
        previous = word
    return out


def _address(joined: str) -> str:
    """``u<@hub.example.>`` -> ``u@hub.example`` (the focus brackets and final dot dropped)."""
    m = re.fullmatch(r"(.*)<@(.*?)\.?>(.*)", joined)
    if m is None:
        return joined
    return f"{m.group(1)}@{m.group(2)}{m.group(3)}"


def try_result(out: str) -> str:
    """The ``addr =`` of a ``/try`` answer."""
    found = _TRY.findall(out)
    if not found:
        raise AssertionError(f"no /try answer: {out[-400:]!r}")
    return str(found[-1][1])


_M_LINE = re.compile(r"^M([^,\s]+),.*?\bF=([^,\s]*)", re.M)


def f5_mailers(cf: str) -> set[str]:
    """The mailers with F=5 in a ``.cf``: recipient() runs ruleset 5 on their
    recipients at delivery (the local mailer; every SMTP mailer under FEATURE(`msp'))."""
    return {name for name, flags in _M_LINE.findall(cf) if "5" in flags}
