"""``sendmailcfg map FILE set/delete/get``: idempotent edits, --check/--diff/--json/--backup."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.api import load
from sendmailcfg.cli import main
from sendmailcfg.maps import MapDocument
from tests.oracle import Oracle

TOP = Path(__file__).resolve().parents[1]
MAILERTABLE = (TOP / "examples" / "mailertable").read_bytes()


@pytest.fixture
def mt(tmp_path: Path) -> Path:
    p = tmp_path / "mailertable"
    p.write_bytes(MAILERTABLE)
    return p


def test_set_adds_then_is_idempotent(mt: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["map", str(mt), "set", "example.org", "smtp:[mx.example.org]"]) == 0
    assert capsys.readouterr().out == f"{mt}: changed\n"
    assert mt.read_bytes() == MAILERTABLE + b"example.org\tsmtp:[mx.example.org]\n"
    assert main(["map", str(mt), "set", "EXAMPLE.org", "smtp:[mx.example.org]"]) == 0
    assert capsys.readouterr().out == f"{mt}: unchanged\n"
    assert mt.read_bytes() == MAILERTABLE + b"example.org\tsmtp:[mx.example.org]\n"


def test_set_changes_the_line_in_place(mt: Path) -> None:
    assert main(["map", str(mt), "set", "takaq.jp", "smtp:[mx.takaq.jp]"]) == 0
    text = mt.read_bytes()
    assert text == MAILERTABLE.replace(
        b"takaq.jp\tsmtp:takaq.jp\n", b"takaq.jp\tsmtp:[mx.takaq.jp]\n"
    )


def test_check_reports_and_writes_nothing(mt: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["map", str(mt), "set", "--check", "a.example", "local:"]) == 1
    assert capsys.readouterr().out == f"{mt}: would change\n"
    assert mt.read_bytes() == MAILERTABLE
    assert main(["map", "--check", str(mt), "set", "takaq.jp", "smtp:takaq.jp"]) == 0
    assert capsys.readouterr().out == f"{mt}: no change needed\n"


def test_json_exact_keys(mt: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["map", str(mt), "--json", "delete", ".takaq.jp"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"changed", "diff", "path"}
    assert out["changed"] is True and out["path"] == str(mt)
    assert "\n-.takaq.jp\tsmtp:[mail2.takaq.jp]\n" in out["diff"]
    assert main(["map", str(mt), "delete", ".takaq.jp", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"changed": False, "diff": "", "path": str(mt)}


def test_diff_applies_with_patch(
    mt: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mt.write_bytes(b"a x\nb y")  # no final newline
    copy = tmp_path / "copy"
    copy.write_bytes(mt.read_bytes())
    assert main(["map", str(mt), "set", "c", "z", "--diff", "--check"]) == 1
    diff = capsys.readouterr().out.split(f"{mt}: would change")[0]
    assert "\\ No newline at end of file\n" in diff
    p = subprocess.run(["patch", "-s", str(copy)], input=diff.encode(), capture_output=True)
    if p.returncode == 127:  # pragma: no cover
        pytest.skip("patch is not installed")
    assert p.returncode == 0, p.stderr
    main(["map", str(mt), "set", "c", "z"])
    assert copy.read_bytes() == mt.read_bytes() == b"a x\nb y\nc z"


def test_backup(mt: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["map", str(mt), "set", "x.example", "local:", "--backup", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    backup = Path(out["backup"])
    assert backup.read_bytes() == MAILERTABLE
    assert backup.name.startswith("mailertable.") and backup.name.endswith("~")
    assert main(["map", str(mt), "set", "x.example", "local:", "--backup", "--json"]) == 0
    assert "backup" not in json.loads(capsys.readouterr().out)  # nothing changed, no backup


def test_get(mt: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["map", str(mt), "get", "TAKAQ.JP"]) == 0
    assert capsys.readouterr().out == "smtp:takaq.jp\n"
    assert main(["map", str(mt), "get", "nowhere.example"]) == 1
    assert capsys.readouterr().out == ""


def test_missing_file_is_created_by_set(tmp_path: Path) -> None:
    p = tmp_path / "virtusertable"
    assert main(["map", str(p), "delete", "a@example.com"]) == 0
    assert not p.exists()
    assert main(["map", str(p), "set", "a@example.com", "alice"]) == 0
    assert p.read_bytes() == b"a@example.com\talice\n"
    assert main(["map", str(tmp_path / "access"), "get", "x"]) == 2


def test_kind_from_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "routes"
    p.write_bytes(b"a x\n")
    assert main(["map", str(p), "set", "b", "y"]) == 2
    assert "use --kind" in capsys.readouterr().err
    assert main(["map", "--kind", "mailertable", str(p), "set", "b", "y"]) == 0
    assert p.read_bytes() == b"a x\nb y\n"


def test_bad_file_is_never_rewritten(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "access"
    bad = b"Connect:10 RELAY\n spam.example REJECT\n"
    p.write_bytes(bad)
    assert main(["map", str(p), "set", "Connect:127", "RELAY"]) == 2
    err = capsys.readouterr().err
    assert f"{p}:2:1: " in err and "not edited" in err
    assert p.read_bytes() == bad


def test_bad_key_is_a_usage_error(mt: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["map", str(mt), "set", "two words", "x"]) == 2
    assert "white space" in capsys.readouterr().err
    assert mt.read_bytes() == MAILERTABLE


def test_unknown_action_exits_2(mt: Path) -> None:
    with pytest.raises(SystemExit) as info:
        main(["map", str(mt), "frob", "x"])
    assert info.value.code == 2


@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[a-z0-9.]{1,12}", fullmatch=True),
            st.from_regex(r"[a-z:\[\]0-9.]{1,12}", fullmatch=True),
        ),
        max_size=6,
    )
)
def test_set_then_get_property(pairs: list[tuple[str, str]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "mailertable")
        expected: dict[str, str] = {}
        for k, v in pairs:
            assert main(["map", p, "set", k, v]) == 0
            expected[k.lower()] = v
            assert main(["map", p, "set", k, v, "--check"]) == 0  # idempotent
        if expected:
            doc = load(p)
            assert isinstance(doc, MapDocument)
            assert {k: doc.get(k) for k in expected} == expected
            assert len(doc.entries) == len(expected)  # one line per key


def test_concurrent_cli_edits_lose_nothing(tmp_path: Path) -> None:
    p = tmp_path / "mailertable"
    p.write_bytes(b"")
    env = dict(os.environ, PYTHONPATH=str(TOP))
    script = (
        "import sys\nfrom sendmailcfg.cli import main\n"
        "for i in range(8):\n"
        "    assert main(['map', sys.argv[1], 'set', f'{sys.argv[2]}{i}.example', 'local:']) == 0\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(p), tag], env=env, stdout=subprocess.DEVNULL
        )
        for tag in ("a", "b", "c")
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    keys = sorted(line.split("\t")[0] for line in p.read_text().splitlines())
    assert keys == sorted(f"{t}{i}.example" for t in "abc" for i in range(8))


def test_edited_map_builds_as_makemap_reads_it(mt: Path, tmp_path: Path, oracle: Oracle) -> None:
    assert main(["map", str(mt), "set", "example.org", "smtp:[mx.example.org]"]) == 0
    assert main(["map", str(mt), "delete", "takaq.jp"]) == 0
    status, msg = oracle.makemap([], "hash", tmp_path / "out", mt.read_bytes())
    assert status == 0, msg
    pairs = oracle.dump("hash", tmp_path / "out").decode().splitlines()
    assert sorted(pairs) == sorted(
        [".takaq.jp\tsmtp:[mail2.takaq.jp]", "example.org\tsmtp:[mx.example.org]"]
    )
