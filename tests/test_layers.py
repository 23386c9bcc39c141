"""The four rooms have one-way doors: a lower layer never imports a higher one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sendmailcfg"

# Lower number = lower room. Top-level helper modules sit below everything.
LAYERS: dict[str, float] = {
    "sendmailcfg._source": 0,
    "sendmailcfg.errors": 0,
    "sendmailcfg._grammar": 0,
    "sendmailcfg.fileio": 0,
    "sendmailcfg.textdiff": 0,
    "sendmailcfg.protocol": 0,
    "sendmailcfg.syntax": 1,
    "sendmailcfg.maps": 2,
    "sendmailcfg.mc": 2,
    "sendmailcfg.api": 2,
    "sendmailcfg.site": 2.5,  # the whole configuration: reads maps/ and mc/, read by output/lint
    "sendmailcfg.output": 3,
    "sendmailcfg.lint": 3,
    "sendmailcfg.cli": 4,
    "sendmailcfg.__main__": 4,
}


def _layer(module: str) -> float | None:
    matches = [p for p in LAYERS if module == p or module.startswith(p + ".")]
    return LAYERS[max(matches, key=len)] if matches else None


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out.append((".".join(parts), path))
    return out


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_no_import_goes_up(module: str, path: Path) -> None:
    own = _layer(module)
    if own is None:  # the package's __init__ re-exports from every room
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wrong = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            level = _layer(name)
            if level is not None and level > own:
                wrong.append(f"{name} (line {node.lineno})")
    assert wrong == [], f"{module} (layer {own}) imports a higher layer: {wrong}"
