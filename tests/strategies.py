"""The strategies the project's property tests share: re-exported from the public
:mod:`sendmailcfg.strategies` (kept as module-level objects for the tests that use them)."""

from __future__ import annotations

from sendmailcfg import strategies as _public

chars = _public.source_chars()
map_ish_text = _public.map_ish_text()
"""Short texts dense in the characters makemap cares about."""
any_text = _public.any_text()
"""Arbitrary text (including what undecodable bytes decode to)."""
keys = _public.raw_keys()
values = _public.raw_values()
separators = _public.separators()
newlines = _public.newlines()
map_sources = _public.map_sources
"""Realistic map sources: entries, comments, blank lines, and some bad lines."""
syntaxes = _public.map_syntaxes()
