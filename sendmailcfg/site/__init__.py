r"""The whole configuration as sendmail sees it: :class:`Site`, :func:`route`, :func:`sender`.

>>> site = Site.from_text(
...     "define(`SMART_HOST', `mmr.plala.or.jp')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n",
...     hostname="www.takaq.jp")
>>> d = route(site, "ken@gateway.takaq.jp")
>>> (d.mailer, d.host, d.user, d.decided_by)
('relay', 'mmr.plala.or.jp', 'ken@gateway.takaq.jp', 'smart-host')
"""

from __future__ import annotations

from sendmailcfg.site.delivery import DecidedBy, Delivery, Step, route
from sendmailcfg.site.masquerade import SenderForms, sender
from sendmailcfg.site.model import MapSource, Setting, Site, find_mc, load_site

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
