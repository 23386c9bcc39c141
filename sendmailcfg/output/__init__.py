"""Output: makemap source text from a document, and the ``.db`` files makemap writes.

The ``.db`` files are written and read in pure Python by default
(:mod:`sendmailcfg.output.bdb`); :func:`compare` sets a source against its database.
Every name here is imported on first use, so ``import sendmailcfg.output.bdb``
(what ``makemap`` needs) costs only that.

>>> from sendmailcfg.maps import MapDocument
>>> to_makemap_source(MapDocument.from_text("A.example  smtp:[mx]\\n"))
'a.example\\tsmtp:[mx]\\n'
"""

TYPE_CHECKING = False
if TYPE_CHECKING:  # what the lazy names below are, for type checkers
    from sendmailcfg.output.compare import MapDifference, compare
    from sendmailcfg.output.database import (
        BackendUnavailable,
        BuildOptions,
        BuildResult,
        MapBuildError,
        build,
        db_path,
        is_stale,
        read_map,
        read_map_text,
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

_LAZY = {
    "BackendUnavailable": "sendmailcfg.output.database",
    "BuildOptions": "sendmailcfg.output.database",
    "BuildResult": "sendmailcfg.output.database",
    "MapBuildError": "sendmailcfg.output.database",
    "MapDifference": "sendmailcfg.output.compare",
    "SourceError": "sendmailcfg.output.makemap_source",
    "build": "sendmailcfg.output.database",
    "compare": "sendmailcfg.output.compare",
    "db_path": "sendmailcfg.output.database",
    "is_stale": "sendmailcfg.output.database",
    "makemap_flags": "sendmailcfg.output.makemap_source",
    "read_map": "sendmailcfg.output.database",
    "read_map_text": "sendmailcfg.output.database",
    "read_pairs": "sendmailcfg.output.database",
    "rebuild_if_stale": "sendmailcfg.output.database",
    "source_options": "sendmailcfg.output.makemap_source",
    "source_pairs": "sendmailcfg.output.makemap_source",
    "to_makemap_source": "sendmailcfg.output.makemap_source",
}
"""Where each name lives: imported on first use (``makemap`` needs none of them)."""

if not TYPE_CHECKING:
    import sys

    class _Package(type(sys)):  # type: ignore[misc]
        """Keeps ``compare`` the function when its module (of the same name) is imported:
        the import system sets the package's attribute to the submodule after loading it."""

        def __setattr__(self, name: str, value: object) -> None:
            if name in _LAZY and isinstance(value, type(sys)):
                return
            super().__setattr__(name, value)

    sys.modules[__name__].__class__ = _Package

    def __getattr__(name: str) -> object:
        if name not in _LAZY:
            raise AttributeError(f"module 'sendmailcfg.output' has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(__all__)


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
    "is_stale",
    "makemap_flags",
    "read_map",
    "read_map_text",
    "read_pairs",
    "rebuild_if_stale",
    "source_options",
    "source_pairs",
    "to_makemap_source",
]
