"""The docs' Python examples type-check under ``mypy --strict``, as a user's script would.

Each page's ``pycon`` blocks become one module (the prompts stripped, the expected output
dropped) and mypy checks them all in one run. A page whose examples need ``isinstance``
to satisfy mypy is a page whose API is awkward; the fix is in the API or the example.
mypy is a development tool (extra ``dev``); without it the test skips and says so (under
``CI=true`` it must run).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```\s*$", re.M | re.S)
PROMPT = re.compile(r"^(?:>>>|\.\.\.)(?: |$)")


def snippets(page: Path) -> str:
    """The Python a page's ``pycon`` blocks run, as one module."""
    lines: list[str] = []
    for m in FENCE.finditer(page.read_text(encoding="utf-8")):
        if m.group(1) != "pycon":
            continue
        for row in m.group(3).splitlines():
            if PROMPT.match(row):
                lines.append(row[4:])
    return "\n".join(lines) + "\n" if lines else ""


def test_snippets_keep_code_and_drop_output() -> None:
    page_text = "x\n```pycon\n>>> a = 1\n>>> for i in []:\n...     pass\n1\n```\n"
    assert PROMPT.match(">>> a") and not PROMPT.match("1")
    folder = Path(os.environ.get("TMPDIR", "/tmp"))
    page = folder / "sendmailcfg-snippet-test.md"
    page.write_text(page_text, encoding="utf-8")
    try:
        assert snippets(page) == "a = 1\nfor i in []:\n    pass\n"
    finally:
        page.unlink()


def test_docs_examples_type_check(tmp_path: Path) -> None:
    try:
        from mypy import api
    except ImportError:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("mypy is not installed (CI installs the dev extra)")
        pytest.skip("mypy is not installed: pip install -e '.[dev]'")
    pages = [TOP / "README.md", *sorted((TOP / "docs").glob("*.md"))]
    files: list[str] = []
    for page in pages:
        code = snippets(page)
        if code:
            target = tmp_path / (page.stem.replace("-", "_") + "_examples.py")
            target.write_text(code, encoding="utf-8")
            files.append(str(target))
    assert files, "the docs have Python examples"
    out, err, status = api.run(
        [
            "--strict",
            "--allow-redefinition-new",
            "--local-partial-types",
            "--no-incremental",
            "--cache-dir",
            os.devnull,
            *files,
        ]
    )
    assert status == 0, out + err
