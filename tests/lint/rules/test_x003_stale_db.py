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


def _built(tmp_path: Path, name: str, source: bytes, flags: tuple[str, ...] = ()) -> None:
    from sendmailcfg.output import BuildOptions, build

    (tmp_path / name).write_bytes(source)
    build(tmp_path / name, options=BuildOptions.from_flags(list(flags)))


def _messages(tmp_path: Path, name: str, text: str) -> list[str]:
    return [f.message for f in folder("X003", tmp_path, {name: text})]


def test_x003_names_the_keys_that_differ(tmp_path: Path) -> None:
    _built(tmp_path, "access", b"a.example OK\nb.example OK\nc.example REJECT\n")
    text = "a.example OK\nb.example REJECT\nd.example RELAY\n"
    assert _messages(tmp_path, "access", text) == [
        "access.db does not match access (3 keys differ: b.example (changed), "
        "d.example (not in the .db), c.example (only in the .db)): "
        "the last edits are not in force"
    ]


def test_x003_first_few_keys_only(tmp_path: Path) -> None:
    _built(tmp_path, "mailertable", b"")
    text = "".join(f"h{i}.example smtp:[mx]\n" for i in range(10))
    (message,) = _messages(tmp_path, "mailertable", text)
    assert "(10 keys differ: h0.example (not in the .db), h1.example" in message
    assert "h2.example (not in the .db), and 7 more)" in message


def test_x003_same_pairs_are_not_stale(tmp_path: Path) -> None:
    """An older .db with the same pairs is live: only a comment changed."""
    _built(tmp_path, "access", b"a.example OK\n")
    _age(tmp_path / "access.db", 3600)
    assert _messages(tmp_path, "access", "# reviewed\nA.Example OK\n") == []


def test_x003_newer_db_with_other_content(tmp_path: Path) -> None:
    """A .db newer than its source can still be wrong (built from another copy)."""
    _built(tmp_path, "access", b"a.example REJECT\n")
    (tmp_path / "access").write_text("a.example OK\n")
    _age(tmp_path / "access", 3600)
    from sendmailcfg.lint.config import LintConfig
    from sendmailcfg.lint.engine import lint_files, load_file

    f = load_file(str(tmp_path / "access"), "access", "a.example OK\n")
    (finding,) = lint_files([f], LintConfig(("X003",)))
    assert "1 key differs: a.example (changed)" in finding.message


def test_x003_reads_how_the_map_was_built(tmp_path: Path) -> None:
    """-N (NUL-terminated) and -d (duplicates) maps compare with their own flags."""
    _built(tmp_path, "mailertable", b"A.example smtp:[mx]\n", ("-N",))
    assert _messages(tmp_path, "mailertable", "a.example smtp:[mx]\n") == []
    _built(tmp_path, "virtusertable", b"@a.example x\n@a.example y\n", ("-d",))
    assert _messages(tmp_path, "virtusertable", "@a.example x\n@a.example y\n") == []
    (message,) = _messages(tmp_path, "virtusertable", "@a.example y\n@a.example x\n")
    assert "@a.example (changed)" in message
