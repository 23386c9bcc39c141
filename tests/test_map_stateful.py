"""A sequence of edits keeps the document equal to a plain dict, and re-parsable to itself."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from sendmailcfg.maps.keys import fold
from sendmailcfg.maps.mailertable import MailertableDocument
from tests.strategies import keys, map_sources, values


class MapEdits(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.doc = MailertableDocument.from_text("")
        self.model: dict[str, str] = {}

    @rule(text=map_sources())
    def start_from(self, text: str) -> None:
        self.doc = MailertableDocument.from_text(text)
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

    @rule(key=keys, value=values, after=keys)
    def set_after(self, key: str, value: str, after: str) -> None:
        self.doc.set(key, value, after=after)
        self.model[fold(key)] = self.doc[key]

    @rule(key=keys)
    def delete(self, key: str) -> None:
        if fold(key) in self.model:
            del self.doc[key]
            del self.model[fold(key)]
        else:
            with pytest.raises(KeyError):
                del self.doc[key]

    @rule(key=st.sampled_from(["a", "A", "takaq.jp", ".takaq.jp"]))
    def lookup(self, key: str) -> None:
        assert self.doc.get(key) == self.model.get(fold(key))

    @invariant()
    def agrees_with_the_model_and_itself(self) -> None:
        assert dict(self.doc.items()) == self.model
        again = MailertableDocument.from_text(self.doc.text)
        assert dict(again.items()) == self.model
        assert again.text == self.doc.text
        # The edits kept beside the text say where every line is, as a re-parse does.
        assert len(self.doc.lines) == len(again.lines)
        assert list(self.doc.lines) == list(again.lines)
        assert [self.doc.lines[i] for i in range(len(again.lines))] == list(again.lines)
        assert self.doc.entries() == again.entries()
        assert [(e.line, e.value_column) for e in self.doc.entries()] == [
            (e.line, e.value_column) for e in again.entries()
        ]
        for key in self.model:
            found = self.doc.find(key)
            assert found is not None and found == again.find(key)
            assert found.line == again.find_all(key)[0].line
        assert self.doc.diagnostics == again.diagnostics
        assert self.doc.newline == again.newline


MapEdits.TestCase.settings = settings(max_examples=40, stateful_step_count=15, deadline=None)
TestMapEdits = MapEdits.TestCase
