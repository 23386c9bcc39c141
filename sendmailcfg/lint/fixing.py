"""``lint --fix`` and ``lint --diff``: apply the safe fixes of the findings, file by file.

A fix replaces one span of a file (see :class:`~sendmailcfg.lint.engine.Fix`);
every other byte stays as it was. The new text is parsed again before it is
written, and a file whose fix would add a parse problem is left alone. Files
are written one at a time with :func:`sendmailcfg.fileio.write_atomic`.

>>> from sendmailcfg.lint import lint_text
>>> text = "FEATURE(`access_db', `hash /etc/mail/access')dnl\\n"
>>> print(fixed_text(text, "mc", lint_text(text, "mc")))
FEATURE(`access_db', `hash -T<TMPF> /etc/mail/access')dnl
<BLANKLINE>
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence

from sendmailcfg.lint.engine import Finding, LintFile, text_digest


def fixed_text(
    text: str, kind: str, findings: Iterable[Finding], *, unsafe: bool = False
) -> str | None:
    """``text`` with the safe fixes applied (``unsafe``: the unsafe ones too), or ``None``
    when there is none to apply or the result would parse worse than the original."""
    from sendmailcfg.api import loads
    from sendmailcfg.lint.run import apply_fixes

    new, applied = apply_fixes(text, findings, unsafe=unsafe)
    if not applied or new == text:
        return None
    before = len(loads(text, kind).diagnostics)
    if len(loads(new, kind).diagnostics) > before:
        return None
    return new


def fix_files(
    findings: Sequence[Finding],
    stdin: LintFile | None = None,
    *,
    write: bool,
    kinds: Mapping[str, str] | None = None,
    unsafe: bool = False,
) -> tuple[int, str]:
    """Apply (``write=True``) or only show the safe fixes (``unsafe``: and the unsafe ones):
    ``(fixes applied, unified diff)``."""
    from sendmailcfg import _source, fileio
    from sendmailcfg.maps.kinds import infer_kind
    from sendmailcfg.textdiff import unified_diff

    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        if f.fix is not None or (unsafe and f.unsafe_fix is not None):
            by_path.setdefault(f.path, []).append(f)
    changed = 0
    diffs = []
    for path in sorted(by_path):
        if path == "-":
            if stdin is None:
                continue
            text, kind = stdin.text, stdin.kind
        else:
            kind = (kinds or {}).get(path) or infer_kind(path) or "map"
            try:
                text = _source.decode(fileio.read_bytes(path))
            except OSError as exc:
                print(f"{path}: cannot read: {exc.strerror or exc}", file=sys.stderr)
                continue
        new = fixed_text(text, kind, by_path[path], unsafe=unsafe)
        if new is None:
            continue
        if write and path != "-":
            linted = _source.encode(text)

            digests = {f.linted for f in by_path[path]} - {""}

            def change(
                data: bytes, linted: bytes = linted, new: str = new, digests: set[str] = digests
            ) -> bytes:
                if data != linted or any(d != text_digest(_source.decode(data)) for d in digests):
                    raise _Changed
                return _source.encode(new)

            try:
                fileio.update(path, change)
            except _Changed:
                print(
                    f"{path}: changed since it was linted; not fixed (run again)", file=sys.stderr
                )
                continue
            except (OSError, fileio.ChangedMeanwhileError) as exc:
                print(f"{path}: cannot fix: {exc}", file=sys.stderr)
                continue
        diffs.append(unified_diff(text, new, path))
        changed += len(by_path[path])
    return changed, "".join(diffs)


class _Changed(Exception):
    """The file no longer holds the text that was linted."""
