"""Every fuzz target runs (a few examples each): the harness stays usable.

The long runs are ``python -m tests.fuzz --minutes N`` (docs/safety.md has figures).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzz.__main__ import main
from tests.fuzz.targets import TARGETS


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_each_target_runs_a_few_examples(name: str) -> None:
    target = TARGETS[name]

    @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
    @given(target.inputs)
    def one(data: bytes) -> None:
        target.check(data)

    one()


def test_the_command_lists_its_targets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in TARGETS)


def test_the_db_reader_target_refuses_the_amplifying_file() -> None:
    """The regression input of issue 26 item 6 goes through the fuzz target's check."""
    from sendmailcfg.output import pure
    from tests.test_bdb_amplify import _hash_file

    with pytest.raises(pure.FormatError):
        list(pure.read(_hash_file(), "hash"))
