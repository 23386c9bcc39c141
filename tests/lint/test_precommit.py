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
    ("path", "selected"),
    [
        ("sendmail.mc", True),
        ("etc/mail/submit.mc", True),
        ("etc/mail/mailertable", True),
        ("etc/mail/access", True),
        ("etc/mail/access.local", True),
        ("etc/mail/virtusertable", True),
        ("roles/mx/files/etc/mail/genericstable", True),
        ("sendmail/domaintable", True),
        ("etc/mail/mailertable.new", True),
        ("mail/access", True),
        # not sendmail's: PAM, other folders, databases, leftovers
        ("etc/security/access.conf", False),
        ("security/access.conf", False),
        ("access", False),
        ("nginx/access", False),
        ("etc/mail/access.conf", False),
        ("mailertable", False),
        ("README", False),
        ("etc/mail/access.db", False),
        ("etc/mail/aliases", False),
        ("etc/mail/mailertable~", False),
        ("etc/mail/access.bak", False),
        ("docs/x.md", False),
    ],
)
def test_files_pattern_picks_sendmails_files_only(path: str, selected: bool) -> None:
    files, exclude = re.compile(_field("files")), re.compile(_field("exclude"))
    assert (bool(files.search(path)) and not exclude.search(path)) is selected
    if selected:
        assert infer_kind(path) is not None  # lint knows the kind of every file it is given


def test_docs_show_rev_as_a_commit_and_the_files_override() -> None:
    doc = (HOOKS.parent / "docs" / "lint.md").read_text(encoding="utf-8")
    assert re.search(r"rev: [0-9a-f]{40}\b", doc)
    assert "files: " in doc and "etc/mail" in doc
