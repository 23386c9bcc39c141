from pathlib import Path

from sendmailcfg.lint import lint_text
from tests.lint.helpers import folder, where


def test_x004_missing_db_is_info(tmp_path: Path) -> None:
    found = folder("X004", tmp_path, {"mailertable": "a smtp:[b]\n"})
    assert where(found) == [("mailertable", 1, 1)]
    assert found[0].severity == "info"


def test_x004_db_present(tmp_path: Path) -> None:
    assert folder("X004", tmp_path, {"mailertable.db": b"", "mailertable": "a smtp:[b]\n"}) == []


def test_x004_not_for_texts() -> None:
    assert [f.rule for f in lint_text("a smtp:[b]\n", "mailertable")] == []
