"""The protocol every document follows, whatever its kind (map sources and ``.mc`` files).

Map documents and ``.mc`` documents both implement it, so a script (an Ansible-style
module, a pre-commit hook) handles any file the same way::

    doc = sendmailcfg.load(path)
    ...edit...
    if doc.changed:
        print(doc.diff())      # from the text as loaded to the edited text
        doc.dump()             # atomic, keeps mode and owner
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from typing_extensions import Self

    from sendmailcfg.errors import Diagnostic


@runtime_checkable
class Document(Protocol):
    """What :func:`sendmailcfg.load` returns for every kind.

    ``text`` is the file as loaded plus edits (``dumps()`` returns it); ``changed``
    says whether it differs from what was loaded; ``diff(other=None)`` is the unified
    diff from ``other`` (a document or a text; by default the text as loaded) to this
    document, made by :func:`sendmailcfg.textdiff.unified_diff`; ``dump(path=None)``
    writes it atomically to ``path`` or the path it came from.
    """

    kind: str
    path: str | None

    @property
    def text(self) -> str: ...

    @property
    def diagnostics(self) -> Sequence[Diagnostic]: ...

    @property
    def changed(self) -> bool: ...

    def copy(self) -> Self: ...

    def diff(self, other: Document | str | None = None, path: str | None = None) -> str: ...

    def dumps(self) -> str: ...

    def dump(self, path: str | os.PathLike[str] | None = None) -> None: ...
