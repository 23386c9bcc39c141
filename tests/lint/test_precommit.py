"""The pre-commit hook definition: the right entry, and a files pattern that matches our kinds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sendmailcfg.maps import infer_kind

HOOKS = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"


def _field(name: str) -> str:
    m = re.search(rf"^  {name}: (.*)$", HOOKS.read_text(), re.M)
    assert m, name
    return m.group(1).strip()


def test_hook_entry() -> None:
    assert "- id: sendmailcfg-lint" in HOOKS.read_text()
    assert _field("entry") == "python -m sendmailcfg lint"
    assert _field("language") == "python"


@pytest.mark.parametrize(
    "path",
    [
        "sendmail.mc",
        "etc/mail/submit.mc",
        "mailertable",
        "etc/mail/access",
        "access.local",
        "virtusertable",
        "genericstable",
        "domaintable",
        "etc/mail/mailertable.new",
        "README",
        "etc/mail/access.db",
        "aliases",
        "mailertable~",
        "docs/x.md",
    ],
)
def test_files_pattern_agrees_with_infer_kind(path: str) -> None:
    files, exclude = re.compile(_field("files")), re.compile(_field("exclude"))
    selected = bool(files.search(path)) and not exclude.search(path)
    expected = infer_kind(path) is not None and not path.endswith((".db", "~", ".bak", ".orig"))
    assert selected is expected
