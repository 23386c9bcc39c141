"""The four rooms have one-way doors, checked on every import the package makes.

Rooms, bottom to top: shared helpers (top-level modules such as ``_source``, ``fileio``) →
syntax → semantics (``maps``, ``mc``, then ``site`` over both; ``api``) → output and lint →
CLI. Every import form counts (``import x``, ``from x import y``, ``from . import y``,
``from sendmailcfg import room``), wherever it stands (lazy imports inside functions too).

- a module never imports a higher room;
- siblings stay apart where the design says so: ``maps`` and ``mc`` know nothing of each
  other (``site`` joins them); ``output`` never imports ``lint``;
- a private name (``_x``) of one room is not imported from another; the shared helpers'
  private modules (``sendmailcfg._source``, ``sendmailcfg._grammar``) are for every room;
- no import cycles between modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sendmailcfg"

# Lower number = lower room.
LAYERS: dict[str, float] = {
    "sendmailcfg._source": 0,
    "sendmailcfg._core": 0,
    "sendmailcfg._version": 0,
    "sendmailcfg.errors": 0,
    "sendmailcfg._grammar": 0,
    "sendmailcfg.fileio": 0,
    "sendmailcfg.textdiff": 0,
    "sendmailcfg.terminal": 0,
    "sendmailcfg.protocol": 0,
    "sendmailcfg.kinds": 0,
    "sendmailcfg.syntax": 1,
    "sendmailcfg.maps": 2,
    "sendmailcfg.mc": 2,
    "sendmailcfg.api": 2,
    "sendmailcfg.cf": 2,
    "sendmailcfg.site": 2.5,  # the whole configuration: reads maps/ and mc/, read by output/lint
    "sendmailcfg.output": 3,
    "sendmailcfg.lint": 3,
    "sendmailcfg.strategies": 3,  # public hypothesis strategies (for tests, ours and users')
    "sendmailcfg.expect": 3,  # expectation files: asks site/ and lint/ (the `test` command)
    "sendmailcfg.relay": 3,  # writes a mail folder's .mc, authinfo and authinfo.db
    "sendmailcfg.cli": 4,
    "sendmailcfg.__main__": 4,
    "sendmailcfg.pytest_plugin": 4,  # opt-in pytest plugin: expectation files as tests
}
SIBLINGS_APART = {
    ("sendmailcfg.maps", "sendmailcfg.mc"),
    ("sendmailcfg.mc", "sendmailcfg.maps"),
    ("sendmailcfg.output", "sendmailcfg.lint"),
}
"""(importer's room, imported room) pairs the design forbids although the layers allow them."""


def _room(module: str) -> str | None:
    matches = [p for p in LAYERS if module == p or module.startswith(p + ".")]
    return max(matches, key=len) if matches else None


def _layer(module: str) -> float | None:
    room = _room(module)
    return None if room is None else LAYERS[room]


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out.append((".".join(parts), path))
    return out


MODULES = dict(_modules())


def _is_package(module: str) -> bool:
    return MODULES.get(module, Path()).name == "__init__.py"


def imported(module: str, tree: ast.AST) -> list[tuple[str, int, str | None]]:
    """``(imported module, line, name imported from it or None)`` for every import in ``tree``.

    ``from pkg import name`` counts as importing ``pkg.name`` when that is a module of ours,
    else as importing ``pkg`` (and ``name`` from it).

    >>> imported("sendmailcfg.lint.engine", ast.parse("from . import suppress\\nimport os"))
    [('sendmailcfg.lint.suppress', 1, None), ('os', 2, None)]
    """
    found: list[tuple[str, int, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((a.name, node.lineno, None) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not _is_package(module):
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in MODULES:
                    found.append((sub, node.lineno, None))
                else:
                    found.append((target, node.lineno, alias.name))
    return found


def _private(module: str, name: str | None) -> bool:
    parts = module.split(".")[1:] + ([name] if name else [])
    return any(p.startswith("_") and not p.startswith("__") for p in parts)


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_doors_go_one_way(module: str, path: Path) -> None:
    own_room = _room(module)
    if own_room is None:  # the package's __init__ re-exports from every room
        return
    own = LAYERS[own_room]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wrong = []
    for name, line, attr in imported(module, tree):
        if name == "sendmailcfg":  # the package itself: every room at once
            wrong.append(f"line {line}: `from sendmailcfg import {attr}` pulls in every room")
            continue
        room = _room(name)
        if room is None:
            continue
        if LAYERS[room] > own:
            wrong.append(f"line {line}: {name} is a higher room ({LAYERS[room]} > {own})")
        if (own_room, room) in SIBLINGS_APART:
            wrong.append(f"line {line}: {own_room} must not import its sibling {room}")
        if room != own_room and LAYERS[room] > 0 and _private(name, attr):
            shown = f"{name}.{attr}" if attr else name
            wrong.append(f"line {line}: {shown} is private to {room}")
    assert wrong == [], f"{module}: " + "; ".join(wrong)


def test_the_check_sees_every_import_form() -> None:
    tree = ast.parse(
        "from sendmailcfg import cli\n"
        "import sendmailcfg.lint.engine\n"
        "from .map_nodes import MapEntry\n"
        "def f():\n    from sendmailcfg.maps.mailertable.document import _Router\n"
    )
    got = imported("sendmailcfg.syntax.map_parser", tree)
    assert ("sendmailcfg.cli", 1, None) in got
    assert ("sendmailcfg.lint.engine", 2, None) in got
    assert ("sendmailcfg.syntax.map_nodes", 3, "MapEntry") in got
    assert ("sendmailcfg.maps.mailertable.document", 5, "_Router") in got
    assert _private("sendmailcfg.maps.mailertable.document", "_Router")
    assert not _private("sendmailcfg.maps.mailertable.document", "MailertableDocument")


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets = {name for name, _, _ in imported(module, tree)}
        graph[module] = {t for t in targets if t in MODULES and t != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), sorted.

    A package's ``__init__`` re-exporting its own modules is not a cycle with them: the
    edges from a module to its own parent packages are dropped.

    >>> cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}})
    [['a', 'b']]
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def parents(m: str) -> set[str]:
        parts = m.split(".")
        return {".".join(parts[:i]) for i in range(1, len(parts))}

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, set()) - parents(v)):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_no_import_cycles() -> None:
    assert cycles(_graph()) == []
