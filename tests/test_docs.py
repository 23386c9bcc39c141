"""Every example in README.md and docs/*.md runs as a test, so docs cannot rot.

Two kinds of fenced blocks are executed, from the top of the checkout:

* ```` ```pycon ```` blocks: doctest sessions (``>>>`` lines and expected output);
  all blocks of one page share their globals, in page order.
* ```` ```console ```` blocks: ``$ command`` lines run with the shell; the lines
  up to the next ``$`` are the expected output (stdout and stderr together).
  ``python`` starting a command (also after ``&&``, ``;`` or ``|``) means this interpreter,
  and ``sendmailcfg`` means ``python -m sendmailcfg`` (the console script). A block whose
  info string says ``console skip`` is shown but not run; ``# exit N`` after a
  command states its expected exit status (default 0).
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[1]
PAGES = sorted([TOP / "README.md", *(TOP / "docs").glob("**/*.md")])
FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```\s*$", re.M | re.S)


def _blocks(page: Path, lang: str) -> list[tuple[int, str, str]]:
    text = page.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        if m.group(1) == lang:
            line = text.count("\n", 0, m.start()) + 1
            out.append((line, m.group(2).strip(), m.group(3)))
    return out


def _ids(pages: list[Path]) -> list[str]:
    return [str(p.relative_to(TOP)) for p in pages]


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_pycon_examples(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _blocks(page, "pycon")
    if not blocks:
        return
    monkeypatch.chdir(TOP)
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs: dict[str, object] = {}
    for line, _info, body in blocks:
        test = parser.get_doctest(body, globs, f"{page.name}:{line}", str(page), line)
        runner.run(test, clear_globs=False)
        globs.update(test.globs)  # DocTest copies its globals; carry them to the next block
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} failing example(s) in {page.name}"


COMMAND = re.compile(r"^\$ (.*)$")


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_console_examples(page: Path) -> None:
    blocks = [b for b in _blocks(page, "console") if "skip" not in b[1]]
    for line, _info, body in blocks:
        steps: list[tuple[str, list[str]]] = []
        for row in body.splitlines():
            m = COMMAND.match(row)
            if m:
                steps.append((m.group(1), []))
            elif steps:
                steps[-1][1].append(row)
        for command, expected in steps:
            status = 0
            st = re.search(r"\s+# exit (\d+)$", command)
            if st:
                status = int(st.group(1))
                command = command[: st.start()]
            command = re.sub(
                r"(^|&& |; |\| )python ", lambda m: f'{m.group(1)}"{sys.executable}" ', command
            )
            # the console script is `python -m sendmailcfg` (tests/test_packaging.py checks it
            # is installed); run this checkout's copy whatever is on PATH
            command = re.sub(
                r"(^|&& |; |\| )sendmailcfg ",
                lambda m: f'{m.group(1)}"{sys.executable}" -m sendmailcfg ',
                command,
            )
            env = dict(os.environ, PYTHONPATH=str(TOP), COLUMNS="80")
            p = subprocess.run(
                command, shell=True, cwd=TOP, capture_output=True, text=True, env=env, timeout=120
            )
            got = (p.stdout + p.stderr).rstrip("\n").splitlines()
            want = [w for w in expected]
            while want and not want[-1].strip():
                want.pop()
            assert p.returncode == status, (
                f"{page.name}:{line}: `{command}` exited {p.returncode}: {p.stderr}"
            )
            if want != ["..."]:
                assert got == want, f"{page.name}:{line}: `{command}` printed:\n" + "\n".join(got)
