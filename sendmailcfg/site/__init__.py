r"""The whole configuration as sendmail sees it: :class:`Site`, :func:`route`, :func:`sender`.

>>> from sendmailcfg.site import Site, route
>>> site = Site.from_text(
...     "define(`SMART_HOST', `mmr.plala.or.jp')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n",
...     hostname="www.takaq.jp")
>>> d = route(site, "ken@gateway.takaq.jp")
>>> (d.mailer, d.host, d.user, d.decided_by)
('relay', 'mmr.plala.or.jp', 'ken@gateway.takaq.jp', 'smart-host')

The names load when first used (``from sendmailcfg.site import Site`` as usual), so a
command that only finds the ``.mc`` (:mod:`sendmailcfg.site.finding`) does not pay for
the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sendmailcfg.site.delivery import DecidedBy, Delivery, Step, route
    from sendmailcfg.site.finding import find_mc
    from sendmailcfg.site.masquerade import SenderForms, sender
    from sendmailcfg.site.model import MapSource, Setting, Site, load_site

__all__ = [
    "DecidedBy",
    "Delivery",
    "MapSource",
    "SenderForms",
    "Setting",
    "Site",
    "Step",
    "find_mc",
    "load_site",
    "route",
    "sender",
]

_LAZY = {
    **dict.fromkeys(("DecidedBy", "Delivery", "Step", "route"), "sendmailcfg.site.delivery"),
    "find_mc": "sendmailcfg.site.finding",
    **dict.fromkeys(("SenderForms", "sender"), "sendmailcfg.site.masquerade"),
    **dict.fromkeys(("MapSource", "Setting", "Site", "load_site"), "sendmailcfg.site.model"),
}

if not TYPE_CHECKING:  # type checkers see the real imports above

    def __getattr__(name: str) -> object:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module 'sendmailcfg.site' has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
