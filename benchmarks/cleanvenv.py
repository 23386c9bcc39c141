"""A clean virtual environment for whole-process benchmarks: what ``pip install .`` gives.

The interpreter a benchmark runs under may carry ``.pth`` files of its own environment
(a development machine's site-packages often imports ``certifi``, ``_distutils_hack`` or a
coverage hook at every start: 20 ms or more that no user's venv pays). ``clean_python()``
makes, once per checkout, a venv without pip in ``benchmarks/.venv-<python version>``
whose site-packages holds only this checkout (a ``.pth`` line) and links to the installed
distributions of the runtime dependencies (``attrs``, ``lark``), then compiles the
package's byte-code as an install would. It returns the venv's interpreter.

Usage from a benchmark::

    from cleanvenv import clean_python
    python = clean_python()          # or sys.executable with --no-clean-venv
    subprocess.run([python, "-m", "sendmailcfg", "makemap", "hash", "x"], ...)

Run directly, it prints the interpreter's path (``python benchmarks/cleanvenv.py``).
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPENDENCIES = ("attrs", "lark")
"""Runtime dependencies of the package (pyproject's ``dependencies``)."""


def _distribution_paths(name: str) -> list[Path]:
    """The top-level folders, modules and dist-info of an installed distribution."""
    dist = importlib.metadata.distribution(name)
    base = Path(str(dist.locate_file("")))
    tops: set[str] = set()
    for file in dist.files or ():
        first = file.parts[0]
        if first.endswith(".pth") or first == "..":
            continue
        tops.add(first)
    return sorted(base / top for top in tops)


def clean_python(folder: Path | None = None, extras: tuple[str, ...] = ()) -> str:
    """The interpreter of a venv holding only this checkout and its dependencies.

    ``extras``: optional distributions linked in too when this interpreter has them
    (e.g. ``berkeleydb``); the venv's folder name then says which.
    """
    tag = f"{sys.version_info[0]}.{sys.version_info[1]}"
    have = tuple(e for e in extras if _installed(e))
    suffix = "".join(f"+{e}" for e in have)
    folder = folder or ROOT / "benchmarks" / f".venv-{tag}{suffix}"
    python = folder / "bin" / "python"
    if not python.exists():
        venv.EnvBuilder(with_pip=False, symlinks=True, clear=True).create(folder)
        purelib = subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        site = Path(purelib)
        (site / "sendmailcfg-checkout.pth").write_text(f"{ROOT}\n")
        for name in DEPENDENCIES + have:
            for path in _distribution_paths(name):
                link = site / path.name
                if not link.exists():
                    link.symlink_to(path)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(
        [str(python), "-m", "compileall", "-q", str(ROOT / "sendmailcfg")],
        env=env,
        check=True,
    )
    return str(python)


def _installed(name: str) -> bool:
    try:
        importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def clean_env() -> dict[str, str]:
    """The environment for children: byte-code may be read and written, no PYTHONPATH."""
    drop = {"PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PYTHONSTARTUP"}
    return {k: v for k, v in os.environ.items() if k not in drop}


if __name__ == "__main__":
    print(clean_python())
    print(sysconfig.get_python_version(), file=sys.stderr)
