r"""Today's answers written as expectations (``test --record``): snapshot, change, compare.

>>> from sendmailcfg.site import Site
>>> conf = Configuration(Site.from_text(
...     "define(`SMART_HOST', `[mmr.plala.or.jp]')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n",
...     hostname="www.takaq.jp"))
>>> print(record(conf, ["ken@gmail.com", "root"], config="www"), end="")
# Recorded by `python -m sendmailcfg test --record` (engine model).
config = "www"
<BLANKLINE>
[route]
"ken@gmail.com" = { mailer = "relay", host = "[mmr.plala.or.jp]", user = "ken@gmail.com" }
"root" = { mailer = "local", user = "root" }
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sendmailcfg.expect.answers import Configuration, engine_of
from sendmailcfg.expect.schema import address_problem


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def read_addresses(text: str) -> list[str]:
    """The addresses of a ``--record-from`` file: one a line; blank lines and ``#`` comments
    are skipped.

    >>> read_addresses("# LAN\\nken@takaq.jp\\n\\n  root  \\n")
    ['ken@takaq.jp', 'root']
    """
    return [s.strip() for s in text.splitlines() if s.strip() and not s.lstrip().startswith("#")]


def record(
    conf: Configuration,
    addresses: Iterable[str],
    *,
    config: str,
    hostname: str | None = None,
    root: str | None = None,
) -> str:
    """An expectation file holding where each address goes today (``config``, ``hostname``,
    ``root``: as the file should name the configuration). ValueError for a malformed
    address."""
    rows = []
    engines = set()
    for address in addresses:
        bad = address_problem(address)
        if bad is not None:
            raise ValueError(bad)
        d = conf.route(address)
        engines.add(engine_of(d))
        fields = {"mailer": d.mailer, "host": d.host, "user": d.user}
        inner = ", ".join(f"{k} = {toml_string(v)}" for k, v in fields.items() if v is not None)
        rows.append(f"{toml_string(address)} = {{ {inner} }}")
    head = [
        "# Recorded by `python -m sendmailcfg test --record` "
        f"(engine {', '.join(sorted(engines)) or conf.engine}).",
        f"config = {toml_string(config)}",
    ]
    if hostname is not None:
        head.append(f"hostname = {toml_string(hostname)}")
    if root is not None:
        head.append(f"root = {toml_string(root)}")
    return "\n".join([*head, "", "[route]", *rows]) + "\n"
