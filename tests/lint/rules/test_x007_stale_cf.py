import os
import shutil
from pathlib import Path

from sendmailcfg.lint.config import LintConfig
from sendmailcfg.lint.run import lint_paths
from sendmailcfg.lint.walk import collect
from tests.oracle import Oracle

TOP = Path(__file__).resolve().parents[3]


def _age(path: Path, seconds: int) -> None:
    st = path.stat()
    os.utime(path, (st.st_atime - seconds, st.st_mtime - seconds))


def _lint(folder: Path, config: LintConfig) -> list[tuple[str, str]]:
    found, ok = collect([str(folder)], None)
    assert ok
    findings, errors = lint_paths(found, config)
    assert errors == []
    return [(Path(f.path).name, f.message) for f in findings]


def test_x007_cf_older_than_mc(tmp_path: Path) -> None:
    shutil.copy(TOP / "examples" / "freebsd.mc", tmp_path / "freebsd.mc")
    (tmp_path / "freebsd.cf").write_text("V10/Berkeley\n")
    (tmp_path / "sendmail.cf").write_text("V10/Berkeley\n")
    _age(tmp_path / "freebsd.cf", 3600)
    _age(tmp_path / "sendmail.cf", 7200)
    got = _lint(tmp_path, LintConfig(select=("X007",)))
    assert got == [
        (
            "freebsd.mc",
            "freebsd.cf is older than freebsd.mc: the last edits of the .mc are not in force",
        ),
        (
            "freebsd.mc",
            "sendmail.cf is older than freebsd.mc: the last edits of the .mc are not in force",
        ),
    ]


def test_x007_fresh_cf_is_fine_without_render(tmp_path: Path) -> None:
    shutil.copy(TOP / "examples" / "freebsd.mc", tmp_path / "freebsd.mc")
    _age(tmp_path / "freebsd.mc", 3600)
    (tmp_path / "freebsd.cf").write_text("V10/Berkeley\n")  # newer, but not its rendering
    assert _lint(tmp_path, LintConfig(select=("X007",))) == []


def test_x007_a_checkout_writing_the_cf_first_is_not_stale(tmp_path: Path) -> None:
    """git writes files in name order: x.cf lands a few milliseconds before x.mc."""
    (tmp_path / "freebsd.cf").write_text("V10/Berkeley\n")
    shutil.copy(TOP / "examples" / "freebsd.mc", tmp_path / "freebsd.mc")
    cf = (tmp_path / "freebsd.cf").stat().st_mtime_ns
    os.utime(tmp_path / "freebsd.mc", ns=(cf + 5_000_000, cf + 5_000_000))
    assert _lint(tmp_path, LintConfig(select=("X007",))) == []


def test_x007_render_compares_the_content(
    tmp_path: Path, oracle: Oracle, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("SENDMAIL_CF_DIR", str(oracle.cf_dir))
    from sendmailcfg.mc.cfbuild import build_cf

    shutil.copy(TOP / "examples" / "freebsd.mc", tmp_path / "freebsd.mc")
    built = build_cf(tmp_path / "freebsd.mc", str(oracle.cf_dir))
    assert built.ok
    (tmp_path / "freebsd.cf").write_text(built.cf)
    _age(tmp_path / "freebsd.mc", 3600)
    config = LintConfig(select=("X007",), cf_dir=str(oracle.cf_dir), render=True)
    assert _lint(tmp_path, config) == []
    (tmp_path / "freebsd.cf").write_text(built.cf.replace("\nDS\n", "\nDShand.example\n"))
    _age(tmp_path / "freebsd.mc", 3600)
    got = _lint(tmp_path, config)
    assert got == [
        (
            "freebsd.mc",
            "freebsd.cf is not what freebsd.mc renders to: the .cf was edited by hand or "
            "built from another .mc",
        )
    ]
    assert _lint(tmp_path, LintConfig(select=("X007",))) == []  # no --render: times only
