import os
from pathlib import Path

from tests.lint.helpers import folder, where


def _age(path: Path, seconds: int) -> None:
    st = path.stat()
    os.utime(path, (st.st_atime - seconds, st.st_mtime - seconds))


def test_x003_stale_db(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"access.db": b"db", "access": "Connect:192.0.2 REJECT\n"}
    for name, content in files.items():
        p = tmp_path / name
        p.write_bytes(content) if isinstance(content, bytes) else p.write_text(content)
    _age(tmp_path / "access.db", 3600)
    assert where(folder("X003", tmp_path, {"access": "Connect:192.0.2 REJECT\n"})) == [
        ("access", 1, 1)
    ]


def test_x003_db_newer_than_source(tmp_path: Path) -> None:
    (tmp_path / "access.db").write_bytes(b"db")
    (tmp_path / "access").write_text("Connect:192.0.2 REJECT\n")
    _age(tmp_path / "access", 3600)
    from sendmailcfg.lint.config import LintConfig
    from sendmailcfg.lint.engine import lint_files, load_file

    p = str(tmp_path / "access")
    f = load_file(p, "access", (tmp_path / "access").read_text())
    assert lint_files([f], LintConfig(("X003",))) == []
