"""A sequence of edits keeps the document equal to a plain dict, and re-parsable to itself."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import sendmailcfg
from sendmailcfg.maps.keys import fold
from tests.strategies import keys, map_sources, values


class MapEdits(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.doc = sendmailcfg.loads("", "mailertable")
        self.model: dict[str, str] = {}

    @rule(text=map_sources())
    def start_from(self, text: str) -> None:
        self.doc = sendmailcfg.loads(text, "mailertable")
        self.model = dict(self.doc.items())

    @rule(key=keys, value=values)
    def set(self, key: str, value: str) -> None:
        existed = fold(key) in self.model
        old = self.model.get(fold(key))
        crlf = self.doc.newline == "\r\n"
        self.doc.set(key, value)
        stored = self.doc.get(key)
        # A CRLF line keeps its CR (makemap stores it), so the value may gain one.
        assert stored == value or (
            stored == value + "\r"
            and ((crlf and not existed) or (existed and old is not None and old.endswith("\r")))
        )
        self.model[fold(key)] = stored

    @rule(key=keys)
    def remove(self, key: str) -> None:
        assert self.doc.remove(key) == (fold(key) in self.model)
        self.model.pop(fold(key), None)

    @rule(key=st.sampled_from(["a", "A", "takaq.jp", ".takaq.jp"]))
    def lookup(self, key: str) -> None:
        assert self.doc.get(key) == self.model.get(fold(key))

    @invariant()
    def agrees_with_the_model_and_itself(self) -> None:
        assert dict(self.doc.items()) == self.model
        again = sendmailcfg.loads(self.doc.text, "mailertable")
        assert dict(again.items()) == self.model
        assert again.text == self.doc.text


MapEdits.TestCase.settings = settings(max_examples=40, stateful_step_count=15, deadline=None)
TestMapEdits = MapEdits.TestCase
