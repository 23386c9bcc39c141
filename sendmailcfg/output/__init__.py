"""Output: makemap source text from a document, and the ``.db`` files makemap writes.

The ``.db`` files are written and read in pure Python by default
(:mod:`sendmailcfg.output.bdb`); :func:`compare` sets a source against its database.

>>> from sendmailcfg.maps import MapDocument
>>> to_makemap_source(MapDocument.from_text("A.example  smtp:[mx]\\n"))
'a.example\\tsmtp:[mx]\\n'
"""

from sendmailcfg.output.compare import MapDifference, compare
from sendmailcfg.output.database import (
    BackendUnavailable,
    BuildOptions,
    BuildResult,
    MapBuildError,
    build,
    db_path,
    dump,
    dump_text,
    is_stale,
    read_pairs,
    rebuild_if_stale,
)
from sendmailcfg.output.makemap_source import (
    SourceError,
    makemap_flags,
    source_options,
    source_pairs,
    to_makemap_source,
)

__all__ = [
    "BackendUnavailable",
    "BuildOptions",
    "BuildResult",
    "MapBuildError",
    "MapDifference",
    "SourceError",
    "build",
    "compare",
    "db_path",
    "dump",
    "dump_text",
    "is_stale",
    "makemap_flags",
    "read_pairs",
    "rebuild_if_stale",
    "source_options",
    "source_pairs",
    "to_makemap_source",
]
