r"""Is a built map what its source says? :func:`compare` a source with its ``.db``, by content.

The source is read as makemap reads it, and the pairs makemap would have
stored (the first of a repeated key, or every value of a map built with
``-d``) are set against the pairs in the database, read with the pure-Python
reader (hash or btree, found by the magic number). How the map was built is
taken from the database itself: keys ending in NUL mean ``-N``, upper-case
keys mean ``-f``, a database made for duplicates means ``-d``.

>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> source = os.path.join(folder, "access")
>>> with open(source, "w") as f:
...     _ = f.write("a.example REJECT\nb.example OK\n")
>>> from sendmailcfg.output.database import build
>>> _ = build(source)
>>> compare(source).same
True
>>> with open(source, "a") as f:
...     _ = f.write("c.example RELAY\n")
>>> diff = compare(source)
>>> diff.missing, diff.describe()
((b'c.example',), 'c.example (not in the .db)')
>>> import shutil; shutil.rmtree(folder)
"""

from __future__ import annotations

import os

import attrs

from sendmailcfg import fileio
from sendmailcfg.maps.makemap_reader import ReaderOptions, c_string, scan
from sendmailcfg.output.database import MapBuildError, db_path, read_pairs


@attrs.frozen
class MapDifference:
    """Keys whose values differ between a map source and its database.

    ``missing``: in the source, not in the database; ``extra``: in the
    database only; ``changed``: in both with other values. Each in source
    order (``extra`` in database order). ``db_values`` and ``source_values``
    map every differing key to its values on each side.
    """

    missing: tuple[bytes, ...] = ()
    extra: tuple[bytes, ...] = ()
    changed: tuple[bytes, ...] = ()
    source_values: dict[bytes, tuple[bytes, ...]] = attrs.field(factory=dict, eq=False)
    db_values: dict[bytes, tuple[bytes, ...]] = attrs.field(factory=dict, eq=False)

    @property
    def same(self) -> bool:
        """Whether the database holds exactly the source's pairs."""
        return not (self.missing or self.extra or self.changed)

    @property
    def count(self) -> int:
        """How many keys differ."""
        return len(self.missing) + len(self.extra) + len(self.changed)

    def keys(self) -> list[bytes]:
        """Every differing key: changed and missing ones in source order, then the extra ones."""
        wrong = set(self.changed) | set(self.missing)
        order = [k for k in self.source_values if k in wrong]
        return list(dict.fromkeys([*order, *self.changed, *self.missing, *self.extra]))

    def describe(self, limit: int = 3) -> str:
        """The first ``limit`` differing keys, each with how it differs, and how many more.

        >>> MapDifference(changed=(b"a",), extra=(b"b", b"c")).describe(2)
        'a (changed), b (only in the .db), and 1 more'
        """
        why = {k: "changed" for k in self.changed}
        why.update({k: "not in the .db" for k in self.missing})
        why.update({k: "only in the .db" for k in self.extra})
        keys = self.keys()
        shown = [f"{c_string(k)} ({why[k]})" for k in keys[:limit]]
        rest = len(keys) - limit
        return ", ".join(shown) + (f", and {rest} more" if rest > 0 else "")


def _guess_options(pairs: list[tuple[bytes, bytes]], dups: bool) -> ReaderOptions:
    include_nul = bool(pairs) and all(k.endswith(b"\0") for k, _ in pairs)
    folded = all(k == k.lower() for k, _ in pairs)
    return ReaderOptions(
        fold=folded, include_nul=include_nul, duplicates="all" if dups else "error"
    )


def stored_by_makemap(data: bytes, options: ReaderOptions) -> dict[bytes, tuple[bytes, ...]]:
    """What makemap would store from the source ``data``: each key's values, in source order.

    >>> stored_by_makemap(b"A 1\\na 2\\nb 3\\n", ReaderOptions())
    {b'a': (b'1',), b'b': (b'3',)}
    """
    out: dict[bytes, list[bytes]] = {}
    for _, key, value, error in scan(data, options):
        if error is not None:
            continue
        values = out.get(key)
        if values is None:
            out[key] = [value]
        elif options.duplicates == "all":
            values.append(value)
        elif options.duplicates == "last":
            values[0] = value
    return {k: tuple(v) for k, v in out.items()}


def compare(
    source: str | os.PathLike[str] | bytes,
    db: str | os.PathLike[str] | None = None,
    *,
    options: ReaderOptions | None = None,
) -> MapDifference:
    """Compare the map source ``source`` (a path, or its bytes) with the database ``db``.

    ``db`` defaults to ``source`` + ``.db``. ``options`` are the makemap flags
    the map was built with (default: guessed from the database). Raises
    :class:`~sendmailcfg.output.database.MapBuildError` when the database
    cannot be read and ``OSError`` when the source cannot.
    """
    if isinstance(source, bytes):
        if db is None:
            raise ValueError("db is required when the source is given as bytes")
        data, target = source, db
    else:
        data = fileio.read_bytes(source)
        target = db if db is not None else db_path(source)
    stored = read_pairs(target)
    dups = _has_duplicates(target)
    reader = options if options is not None else _guess_options(stored, dups)
    want = stored_by_makemap(data, reader)
    have: dict[bytes, list[bytes]] = {}
    for k, v in stored:
        have.setdefault(k, []).append(v)
    missing = tuple(k for k in want if k not in have)
    changed = tuple(k for k in want if k in have and tuple(have[k]) != want[k])
    extra = tuple(k for k in have if k not in want)
    differing = set(missing) | set(changed) | set(extra)
    return MapDifference(
        missing,
        extra,
        changed,
        {k: v for k, v in want.items() if k in differing},
        {k: tuple(v) for k, v in have.items() if k in differing},
    )


def _has_duplicates(path: str | os.PathLike[str]) -> bool:
    from sendmailcfg.output.pure import has_duplicates

    try:
        fd, _ = fileio.open_regular(path)
        try:
            head = os.read(fd, 512)
        finally:
            os.close(fd)
        return has_duplicates(head)
    except (OSError, ValueError):
        raise MapBuildError(f"{os.fspath(path)}: cannot be read") from None


__all__ = ["MapDifference", "compare", "stored_by_makemap"]
