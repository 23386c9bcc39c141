"""Shell completion and the man page, both generated from the command line's parser."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sendmailcfg.cli import main
from sendmailcfg.cli.completion import script
from sendmailcfg.cli.man import page


def _bash_complete(tmp_path: Path, words: list[str]) -> list[str]:
    (tmp_path / "c.bash").write_text(script("bash"))
    (tmp_path / "mailertable").write_text("")
    line = " ".join(f"'{w}'" for w in words)
    code = (
        "source c.bash\n"
        f"COMP_WORDS=({line})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "_sendmailcfg\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    p = subprocess.run(
        ["bash", "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    return p.stdout.split()


def test_bash_completes_commands_subcommands_options_and_values(tmp_path: Path) -> None:
    assert {"check", "lint", "mc", "map", "make", "completion", "man"} <= set(
        _bash_complete(tmp_path, ["sendmailcfg", ""])
    )
    assert _bash_complete(tmp_path, ["sendmailcfg", "mc", "x.mc", "fea"]) == ["feature"]
    assert _bash_complete(tmp_path, ["sendmailcfg", "mc", "x.mc", "feature", ""])[:2] == [
        "add",
        "remove",
    ]
    assert "--strict" in _bash_complete(tmp_path, ["sendmailcfg", "mc", "x.mc", "set", "--s"])
    assert _bash_complete(tmp_path, ["sendmailcfg", "lint", "--format", "sa"]) == ["sarif"]
    assert "mailertable" in _bash_complete(tmp_path, ["sendmailcfg", "check", "mail"])


def test_zsh_and_fish_scripts_cover_the_same_commands() -> None:
    z = script("zsh")
    f = script("fish")
    assert z.startswith("#compdef sendmailcfg\n")
    assert '"mc feature") echo "add remove" ;;' in z
    assert "complete -c sendmailcfg -n 'test (__sendmailcfg_path) = 'mc'' -a feature" in f
    assert "-l unsafe-fixes" in f
    assert "-l format -x -a 'text json sarif github'" in f


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_scripts_parse_in_their_shell(shell: str, tmp_path: Path) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} not installed")
    f = tmp_path / "c"
    f.write_text(script(shell))
    subprocess.run([shell, "-n", str(f)], check=True)


def test_completion_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "bash"]) == 0
    assert "complete -o filenames -F _sendmailcfg sendmailcfg" in capsys.readouterr().out


def test_man_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["man"]) == 0
    roff = capsys.readouterr().out
    assert roff == page()
    assert roff.startswith(".TH SENDMAILCFG 1 ")
    for section in ("NAME", "SYNOPSIS", "COMMANDS", "EXIT STATUS", "ENVIRONMENT", "EXAMPLES"):
        assert f"\n.SH {section}\n" in roff
    assert '.SS "sendmailcfg mc FILE set"' in roff
    assert "\\fB\\-\\-unsafe\\-fixes\\fR" in roff
    if shutil.which("groff") is None:
        return
    (tmp_path / "sendmailcfg.1").write_text(roff)
    p = subprocess.run(
        ["groff", "-man", "-Tutf8", "-ww", "-z", str(tmp_path / "sendmailcfg.1")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert p.returncode == 0 and p.stderr == "", p.stderr
