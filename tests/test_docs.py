"""Every example in README.md and docs/*.md runs as a test, so docs cannot rot.

Two kinds of fenced blocks are executed:

* ```` ```pycon ```` blocks: doctest sessions (``>>>`` lines and expected output);
  all blocks of one page share their globals, in page order, in a fresh interpreter
  (so an example cannot lean on a module another test imported).
* ```` ```console ```` blocks: ``$ command`` lines, run as a reader pastes them: every
  block of a page, top to bottom, in ONE shell (a ``cd`` stays in force for the rest of
  the page), started in a scratch folder that links to the checkout's files. The lines
  up to the next ``$`` are the expected output (stdout, then stderr). ``python`` is this
  interpreter and ``sendmailcfg`` the console script of this checkout. A block whose
  info string says ``console skip`` is shown but not run (``console oracle skip``
  blocks need m4 and the cf package: tests/test_make_docs.py runs the whole page,
  those included, where they are installed); ``# exit N`` after a command states its
  expected exit status (default 0).
"""

from __future__ import annotations

import dataclasses
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


PYCON_RUNNER = """
import doctest, sys
page, name = sys.argv[1], sys.argv[2]
blocks = eval(sys.stdin.read())
parser = doctest.DocTestParser()
runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
globs = {}
for line, body in blocks:
    test = parser.get_doctest(body, globs, f"{name}:{line}", page, line)
    runner.run(test, clear_globs=False)
    globs.update(test.globs)
sys.exit(1 if runner.summarize(verbose=False).failed else 0)
"""


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_pycon_examples(page: Path) -> None:
    blocks = [(line, body) for line, _info, body in _blocks(page, "pycon")]
    if not blocks:
        return
    p = subprocess.run(
        [sys.executable, "-c", PYCON_RUNNER, str(page), page.name],
        input=repr(blocks),
        cwd=TOP,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(TOP)),
        timeout=300,
        check=False,
    )
    assert p.returncode == 0, f"failing example(s) in {page.name}:\n{p.stdout}{p.stderr}"


COMMAND = re.compile(r"^\$ (.*)$")
EXIT = re.compile(r"\s+# exit (\d+)$")


@dataclasses.dataclass
class Step:
    """One ``$ command`` of a page: what it should do, and (after a run) what it did."""

    line: int
    command: str
    status: int
    expected: list[str]
    got_status: int | None = None
    got: list[str] = dataclasses.field(default_factory=list)
    stderr: str = ""


def steps_of(blocks: list[tuple[int, str, str]]) -> list[Step]:
    """The commands of ``blocks`` in page order, with their expected output and status."""
    steps: list[Step] = []
    for line, _info, body in blocks:
        for row in body.splitlines():
            m = COMMAND.match(row)
            if m:
                command = m.group(1)
                st = EXIT.search(command)
                status = int(st.group(1)) if st else 0
                steps.append(Step(line, command[: st.start()] if st else command, status, []))
            elif steps and steps[-1].line == line:
                steps[-1].expected.append(row)
    for s in steps:
        while s.expected and not s.expected[-1].strip():
            s.expected.pop()
    return steps


def sandbox(tmp: Path) -> tuple[Path, Path]:
    """A scratch folder linking to the checkout's top-level files, and a bin/ holding the
    ``sendmailcfg`` console script of this checkout: ``(folder, bin)``."""
    work = tmp / "checkout"
    work.mkdir()
    for entry in TOP.iterdir():
        if entry.name != "build" and not entry.name.startswith("."):
            (work / entry.name).symlink_to(entry)
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    script = bin_dir / "sendmailcfg"
    script.write_text(
        f"#!{sys.executable}\nimport sys\nfrom sendmailcfg.cli import main\nsys.exit(main())\n"
    )
    script.chmod(0o755)
    return work, bin_dir


def run_session(steps: list[Step], tmp: Path, env: dict[str, str] | None = None) -> None:
    """Run ``steps`` in ONE bash, in order, as pasted; fill in each step's results."""
    work, bin_dir = sandbox(tmp)
    out = tmp / "out"
    out.mkdir()
    lines = [
        f'python() {{ "{sys.executable}" "$@"; }}',
        f'export PATH="{bin_dir}:$PATH"',
    ]
    for i, s in enumerate(steps):
        lines.append(
            f'{{ {s.command}\n}} >"{out}/{i}.out" 2>"{out}/{i}.err" </dev/null; '
            f'echo $? >"{out}/{i}.rc"'
        )
    environ = dict(os.environ, PYTHONPATH=str(TOP), COLUMNS="80", **(env or {}))
    environ.pop("SENDMAIL_MC", None)
    environ.pop("NO_COLOR", None)
    environ.pop("FORCE_COLOR", None)
    subprocess.run(
        ["bash", "-c", "\n".join(lines)],
        cwd=work,
        env=environ,
        capture_output=True,
        timeout=600,
        check=False,
    )
    for i, s in enumerate(steps):
        rc = out / f"{i}.rc"
        if not rc.exists():
            return  # the shell ended early (an `exit`?): the rest did not run
        s.got_status = int(rc.read_text())
        so = (out / f"{i}.out").read_text(errors="surrogateescape")
        s.stderr = (out / f"{i}.err").read_text(errors="surrogateescape")
        s.got = (so + s.stderr).rstrip("\n").splitlines()


def check_steps(page: Path, steps: list[Step]) -> None:
    """Assert every step exited and printed as the page says."""
    for s in steps:
        where = f"{page.name}:{s.line}: `{s.command}`"
        assert s.got_status is not None, f"{where} never ran (the shell exited before it)"
        assert s.got_status == s.status, f"{where} exited {s.got_status}: {s.stderr}"
        if s.expected != ["..."]:
            assert s.got == s.expected, f"{where} printed:\n" + "\n".join(s.got)


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_console_examples(page: Path, tmp_path: Path) -> None:
    steps = steps_of([b for b in _blocks(page, "console") if "skip" not in b[1]])
    if not steps:
        return
    run_session(steps, tmp_path)
    check_steps(page, steps)


def test_a_cd_stays_in_force(tmp_path: Path) -> None:
    """The sessions run as pasted into one shell: state carries from step to step."""
    steps = steps_of([(1, "", "$ mkdir -p build/x && cd build/x\n$ pwd\n...\n$ ls ../\nx\n")])
    run_session(steps, tmp_path)
    assert steps[1].got[0].endswith("/checkout/build/x")
    assert steps[2].got == ["x"]
