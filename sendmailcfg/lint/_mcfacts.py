"""The ``.mc`` facts of a lint file or folder, computed once (through ``memo``).

The facts themselves live in :mod:`sendmailcfg.mc.facts`; this module only
caches them per :class:`~sendmailcfg.lint.engine.LintFile` and ``FileSet``.

>>> from sendmailcfg.lint.engine import load_file
>>> f = load_file("s.mc", "mc", "OSTYPE(`linux')dnl\\nFEATURE(`mailertable')dnl\\n")
>>> [c.first for c in facts(f).features()]  # ostype/linux.m4 adds local_procmail
['local_procmail', 'mailertable']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from sendmailcfg.mc.facts import LOCALHOST_NAMES, Call, McFacts, McSetFacts

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile
    from sendmailcfg.site import Site

__all__ = ["Call", "McFacts", "McSetFacts", "domains", "facts", "set_facts", "site"]


def facts(file: LintFile) -> McFacts:
    """The facts of one ``.mc`` file: its document's (computed once per document)."""

    def compute(f: LintFile) -> McFacts:
        found = f.mc.facts
        return found if found.path == f.path else attrs.evolve(found, path=f.path)

    return file.memo("mc-facts", compute)


def set_facts(fileset: FileSet) -> McSetFacts:
    """The facts of the set's live ``.mc`` (:attr:`FileSet.live_mc_files
    <sendmailcfg.lint.engine.FileSet.live_mc_files>`: the MTA's, as every command finds
    it; several only when no rule chooses one), computed once per set."""
    return fileset.memo("mc-set-facts", lambda s: McSetFacts.of(facts(f) for f in s.live_mc_files))


def class_file(fileset: FileSet, path: str) -> set[str] | None:
    """Words sendmail reads from a class file found (by name) in the folder; None when absent
    (or not a regular file, or too large: it is never opened then, see ``lint.walk``)."""
    import os

    from sendmailcfg import _source
    from sendmailcfg.lint.walk import read_source

    name = path.strip().rsplit("/", 1)[-1]
    if not name or name not in fileset.listing:
        return None
    try:
        data = read_source(os.path.join(fileset.folder, name), "", fileset.config.max_file_size)
    except OSError:
        return None
    if not isinstance(data, bytes):
        return None
    from sendmailcfg.maps.facts import class_file_words  # only when there is such a file

    return class_file_words(_source.decode(data))


def site(file: LintFile, fileset: FileSet, hostname: str | None = None) -> Site:
    """The whole configuration one ``.mc`` of the folder describes (computed once per file).

    ``hostname``: this host's name when the ``.mc`` does not set ``$j`` (see ``Site``).

    Built from the folder alone: its map files, and the class files it holds
    (``local-host-names``, ``relay-domains``... found by name); nothing outside the
    folder is read, so a class file the ``.mc`` names that is not there is one of
    :attr:`Site.problems <sendmailcfg.site.Site.problems>`.
    """

    def build(f: LintFile) -> Site:
        import os
        import stat

        from sendmailcfg.site import Site

        files: dict[str, str] = {}
        if fileset.on_disk:
            for name in fileset.listing:
                if name.endswith((".db", ".mc", "~")):
                    continue
                full = os.path.join(fileset.folder, name)
                try:
                    st = os.stat(full)
                    if stat.S_ISREG(st.st_mode) and st.st_size <= 1 << 20:  # no FIFOs
                        with open(full, encoding="utf-8", errors="replace") as fh:
                            files[name] = fh.read()
                except OSError:
                    continue
        maps = {m.kind: m.text for m in fileset.maps()}
        return Site(f.doc, maps=maps, files=files, hostname=hostname)

    return file.memo("site" if hostname is None else f"site:{hostname}", build)


def domains(fileset: FileSet) -> tuple[set[str], set[str]] | None:
    """``({w} names, {VirtHost} names)`` of the folder's live ``.mc`` (its :func:`site`),
    or None when a class file it reads is not in the folder (then they cannot be known)."""

    def compute(s: FileSet) -> tuple[set[str], set[str]] | None:
        local: set[str] = set()
        virt: set[str] = set()
        for f in s.live_mc_files:
            whole = site(f, s)
            if whole.problems:
                return None
            local |= whole.local_names | set(LOCALHOST_NAMES)
            virt |= whole.class_words("VirtHost")
        return local, virt

    return fileset.memo("mc-domains", compute)
