"""The quick makemap path (no attrs, typing, argparse or re) against the full build path.

``python -m sendmailcfg makemap`` builds plain cases through ``cli.makemap._quick``
(``mapfile.prepare`` + ``pure.build_file``); other flags go through
``output.database.build``. Both must write the same pairs and say the same things.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.cli import makemap as cli_makemap
from sendmailcfg.output.database import BuildOptions, MapBuildError, build, read_map
from tests.test_makemap_cli import run
from tests.test_makemap_reader import _source

_QUICK = st.builds(
    lambda *parts: [f for group in parts for f in group],
    st.sampled_from([[], [], ["-D;"], ["-D", ""]]),
    st.sampled_from([[], ["-e"]]),
    st.sampled_from([[], ["-f"]]),
    st.sampled_from([[], ["-N"]]),
    st.sampled_from([[], ["-r"]]),
    st.sampled_from([[], ["-v"]]),
)


def _full(source: bytes, flags: list[str], mapname: str, maptype: str) -> tuple[int, str]:
    """What ``database.build`` writes and says, as the CLI would print it."""
    try:
        result = build(source, mapname, maptype, BuildOptions.from_flags(flags))
    except MapBuildError as exc:
        return exc.status, exc.message + "\n"
    lines = [m + "\n" for m in result.messages(mapname)]
    hints = cli_makemap._hints(result.errors)
    return result.status, "".join(lines + hints)


@given(source=_source(), flags=_QUICK, maptype=st.sampled_from(["hash", "btree", "implicit"]))
def test_quick_path_writes_and_says_what_the_full_path_does(
    source: bytes, flags: list[str], maptype: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        quick_map = str(Path(folder) / "quick")
        full_map = str(Path(folder) / "full")
        status, out, err = run([*flags, maptype, quick_map], source)
        want_status, want_err = _full(source, [f for f in flags if f != "-v"], full_map, maptype)
        assert status == want_status
        assert err.decode("utf-8", "surrogateescape") == want_err.replace(full_map, quick_map)
        if status in (0, 65):
            assert read_map(quick_map, maptype) == read_map(full_map, maptype)
        if "-v" not in flags:
            assert out == b""


def test_quick_path_is_taken_only_for_the_flags_it_knows() -> None:
    assert cli_makemap.QUICK_FLAGS.isdisjoint({"-t", "-d", "-o", "-u", "-l", "-L", "-x"})


@pytest.mark.parametrize("maptype", ["hash", "btree"])
def test_makemap_imports_no_attrs_typing_argparse_re_or_lark(tmp_path: Path, maptype: str) -> None:
    """A fresh interpreter building a map imports nothing it does not use (beyond what
    the interpreter's own start-up and ``python -m``'s runpy imported: a development
    environment's ``.pth`` files may import some of these for every process, and Python
    3.10's ``importlib.util`` imports contextlib)."""
    baseline = subprocess.run(
        [sys.executable, "-c", "import runpy, sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    code = (
        "import sys, runpy; base = sys.argv[3].split()\n"
        "sys.argv = ['sendmailcfg', 'makemap', sys.argv[1], sys.argv[2]]\n"
        "try:\n    runpy.run_module('sendmailcfg', run_name='__main__')\n"
        "except SystemExit as e:\n    status = e.code\n"
        "heavy = sorted(m for m in ('attr', 'attrs', 'typing', 'argparse', 're', 'lark', "
        "'pathlib', 'tempfile', 'contextlib', 'getopt', 'enum', 'heapq', "
        "'sendmailcfg.output.database') "
        "if m in sys.modules and m not in base)\n"
        "print(status, heavy)\n"
    )
    got = subprocess.run(
        [sys.executable, "-c", code, maptype, str(tmp_path / "m"), " ".join(baseline)],
        input=b"a b\nc d\n",
        capture_output=True,
        check=True,
    )
    assert got.stdout.decode().split(None, 1) == ["0", "[]\n"], got.stderr
    assert read_map(tmp_path / "m", maptype) == [(b"a", b"b"), (b"c", b"d")]
