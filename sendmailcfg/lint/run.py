"""Lint files on disk: read them safely, in parallel when there are many, and fix them.

:func:`lint_paths` is what ``python -m sendmailcfg lint`` runs: each folder's
files are read (:func:`sendmailcfg.lint.walk.read_source`: no FIFO, socket or
device is opened, no file over ``max-file-size`` is read) and linted together.
From :data:`PARALLEL_THRESHOLD` files on, folders are shared out to a process
pool, one worker per core: the findings are the same, in the same order.
:func:`apply_fixes` applies the safe fixes of a file's findings.

>>> from sendmailcfg.lint.engine import Finding, Fix
>>> fix = Fix(8, 28, "blocklist_recipients")
>>> f = Finding("s.mc", 1, 1, "MC007", "warning", "obsolete", fix=fix)
>>> apply_fixes("FEATURE(blacklist_recipients)dnl\\n", [f])
('FEATURE(blocklist_recipients)dnl\\n', 1)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from sendmailcfg.lint.config import LintConfig
from sendmailcfg.lint.engine import Finding

PARALLEL_THRESHOLD = 200
"""From this many files on, folders are linted in a process pool (below: in-process, which
starts faster than any pool)."""


def _lint_group(
    found: Sequence[tuple[str, str]], config: LintConfig
) -> tuple[list[Finding], list[str]]:
    """Read and lint the files of one or more folders: ``(findings, read errors)``."""
    from sendmailcfg import _source
    from sendmailcfg.lint.engine import lint_files, load_file, not_read
    from sendmailcfg.lint.walk import Skipped, read_source

    loaded = []
    out: list[Finding] = []
    errors: list[str] = []
    for path, kind in found:
        try:
            data = read_source(path, kind, config.max_file_size)
        except OSError as exc:
            errors.append(f"{path}: cannot read: {exc.strerror or exc}")
            continue
        if isinstance(data, Skipped):
            out.extend(not_read(path, data.reason, data.size, config))
            continue
        loaded.append(load_file(path, kind, _source.decode(data)))
    out.extend(lint_files(loaded, config))
    return out, errors


def _lint_chunk(
    args: tuple[list[tuple[str, str]], LintConfig],
) -> tuple[list[Finding], list[str]]:
    return _lint_group(*args)


def jobs_for(count: int, jobs: int | None) -> int:
    """How many processes to use for ``count`` files (``jobs``: asked for; None: auto)."""
    if jobs is not None:
        return max(1, jobs)
    if count < PARALLEL_THRESHOLD:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def lint_paths(
    found: Iterable[tuple[str, str]], config: LintConfig | None = None, *, jobs: int | None = None
) -> tuple[list[Finding], list[str]]:
    """Lint ``(path, kind)`` files on disk, each folder as a set: ``(findings, read errors)``.

    ``jobs`` processes share the folders out (``None``: one per core from
    :data:`PARALLEL_THRESHOLD` files on, else in-process).
    """
    config = config or LintConfig()
    found = list(found)
    groups: dict[str, list[tuple[str, str]]] = {}
    for path, kind in found:
        groups.setdefault(os.path.dirname(os.path.abspath(path)), []).append((path, kind))
    workers = min(jobs_for(len(found), jobs), len(groups))
    if workers <= 1:
        findings, errors = _lint_group(found, config)
        return sorted(findings, key=Finding.sort_key), errors
    import concurrent.futures

    # folders in chunks of about equal size, several per worker so a big one cannot stall all
    chunks: list[list[tuple[str, str]]] = [[] for _ in range(workers * 4)]
    sizes = [0] * len(chunks)
    for members in sorted(groups.values(), key=len, reverse=True):
        i = sizes.index(min(sizes))
        chunks[i].extend(members)
        sizes[i] += len(members)
    from concurrent.futures.process import BrokenProcessPool

    findings = []
    errors = []
    try:
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
            work = [(c, config) for c in chunks if c]
            for part, errs in pool.map(_lint_chunk, work):
                findings.extend(part)
                errors.extend(errs)
    except (OSError, BrokenProcessPool, NotImplementedError):
        # no process pool here (a sandbox without fork or semaphores): one process will do
        findings, errors = _lint_group(found, config)
    return sorted(findings, key=Finding.sort_key), errors


def apply_fixes(text: str, findings: Iterable[Finding], *, unsafe: bool = False) -> tuple[str, int]:
    """``text`` with the fixes of ``findings`` applied (overlapping ones: the first wins;
    ``unsafe``: the unsafe fixes too): ``(new text, number applied)``. Every byte outside
    the fixed spans stays as it was."""
    from sendmailcfg.textdiff import apply_edits

    chosen = (f.fix or (f.unsafe_fix if unsafe else None) for f in findings)
    return apply_edits(text, (x for x in chosen if x is not None))
