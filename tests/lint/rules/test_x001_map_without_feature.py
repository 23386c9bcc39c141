from pathlib import Path

from tests.lint.helpers import folder, where

MAPS = {"mailertable": "a.example smtp:[mx]\n", "access": "Connect:192.0.2 REJECT\n"}


def test_x001_good(tmp_path: Path) -> None:
    mc = "FEATURE(`access_db')dnl\nFEATURE(`mailertable')dnl\n"
    assert folder("X001", tmp_path, {"sendmail.mc": mc, **MAPS}) == []


def test_x001_bad(tmp_path: Path) -> None:
    mc = "FEATURE(`access_db')dnl\n"
    assert where(folder("X001", tmp_path, {"sendmail.mc": mc, **MAPS})) == [("mailertable", 1, 1)]


def test_x001_features_from_any_mc_of_the_folder(tmp_path: Path) -> None:
    files = {
        "sendmail.mc": "FEATURE(`access_db')dnl\nFEATURE(`mailertable')dnl\n",
        "submit.mc": "FEATURE(`msp', `[127.0.0.1]')dnl\n",
        **MAPS,
    }
    assert folder("X001", tmp_path, files) == []


def test_x001_needs_an_mc(tmp_path: Path) -> None:
    assert folder("X001", tmp_path, MAPS) == []
