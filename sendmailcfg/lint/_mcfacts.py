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

from sendmailcfg.mc.facts import Call, McFacts, McSetFacts, mc_facts

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

__all__ = ["Call", "McFacts", "McSetFacts", "facts", "set_facts"]


def facts(file: LintFile) -> McFacts:
    """The facts of one ``.mc`` file (computed once)."""
    return file.memo("mc-facts", lambda f: mc_facts(f.doc, f.path))


def set_facts(fileset: FileSet) -> McSetFacts:
    """The facts of every ``.mc`` in the set (computed once per set)."""
    return fileset.memo("mc-set-facts", lambda s: McSetFacts.of(facts(f) for f in s.mc_files))


def class_file(fileset: FileSet, path: str) -> set[str] | None:
    """Words sendmail reads from a class file found (by name) in the folder; None when absent."""
    import os

    from sendmailcfg.maps.facts import class_file_words

    name = path.strip().rsplit("/", 1)[-1]
    if not name or name not in fileset.listing:
        return None
    try:
        with open(os.path.join(fileset.folder, name), encoding="utf-8", errors="replace") as fh:
            return class_file_words(fh.read())
    except OSError:
        return None


def domains(fileset: FileSet) -> tuple[set[str], set[str]] | None:
    """``({w} names, {VirtHost} names)`` of the folder's ``.mc`` files, or None when a class
    file they read is not in the folder (then they cannot be known)."""

    def compute(s: FileSet) -> tuple[set[str], set[str]] | None:
        local: set[str] = set()
        virt: set[str] = set()
        for mc in set_facts(s).mcs:
            local |= mc.own_names()
            virt |= mc.virtual_domains()
            for c in mc.named("VIRTUSER_DOMAIN_FILE"):
                words = c.first.split()
                found = class_file(s, words[-1] if words else "")
                if found is None:
                    return None
                virt |= found
            cw = mc.cw_file()
            if cw is not None:
                found = class_file(s, cw)
                if found is None:
                    return None
                local |= found
        return local, virt

    return fileset.memo("mc-domains", compute)
