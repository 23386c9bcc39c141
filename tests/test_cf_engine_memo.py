"""The engine's shortcuts answer exactly as the plain algorithm does.

``bt`` remembers the first rule that matches a token shape, replays pure ruleset runs
for any opaque tokens, tokenises plain addresses with a regular expression and cracks the
plainest addresses at once; these properties hold each shortcut to the reference it
replaces (``Engine.remember = False``: every rule tried in turn, every run worked out;
``Tokenizer._prescan_states``: sendmail's state table character by character;
``_crackaddr_chars``: crackaddr() character by character).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.cf import read_config
from sendmailcfg.cf.engine import Engine, _crackaddr, _crackaddr_chars
from sendmailcfg.cf.environment import HostEnvironment
from sendmailcfg.cf.tokens import Tokenizer

# -- tokenising -------------------------------------------------------------------------------

_CHARS = st.sampled_from([*'ab.@<>,;:!%+/[] \t"\\()', "x\u00e9", "\x01", "\0"])


@given(st.lists(_CHARS, max_size=30).map("".join), st.sampled_from(["ext", "noc", "int"]))
def test_the_fast_prescan_equals_the_state_table(text: str, table: str) -> None:
    tok = Tokenizer(".:%@!^/[]+")
    got = tok.prescan_delim(text, "\0", table)
    errors = list(tok.errors)
    tok.errors.clear()
    assert got == tok._prescan_states(text, "\0", table)
    assert errors == tok.errors


def test_the_fast_prescan_splits_atoms_and_operators() -> None:
    tok = Tokenizer(".:%@!^/[]+")
    assert tok.prescan_delim("Joe  Bloggs <joe@ex.com>") == (
        ["Joe", "Bloggs", "<", "joe", "@", "ex", ".", "com", ">"],
        24,
    )


_PLAINS = st.text("aZ09.@!%+-_'=/?#$&*^{}|~`", min_size=1, max_size=6)
# a plain mailbox, or one with a character crackaddr() cares about in it
_MAILBOXES = st.builds(
    lambda a, c, b: a + c + b, _PLAINS, st.sampled_from(["", "", *'<> ,;:()[]"\\\t']), _PLAINS
)
_WORDS = st.lists(
    st.sampled_from(["joe", "Z9", "joe", "Z9", "a.b", "o'n", "<x", "a,b", "(c)", '"q"', ""]),
    min_size=1,
    max_size=3,
)


@given(_MAILBOXES, _PLAINS, _WORDS.map(" ".join))
def test_the_plain_crackaddr_equals_the_character_walk(
    mailbox: str, plain: str, words: str
) -> None:
    names = (words, f"joe {words}", f"{words} Z9")
    addrs = [mailbox, *(f"{w} <{m}>" for w in names for m in (mailbox, plain))]
    addrs.append(f"{words}  <{plain}>")
    for addr in addrs:
        for colon_ok in (False, True):
            for must_quote in ("@,;:\\()[].'", "@,;:\\()[]"):
                assert _crackaddr(addr, colon_ok, must_quote) == _crackaddr_chars(
                    addr, colon_ok, must_quote
                ), addr


# -- rules ------------------------------------------------------------------------------------

HEAD = """V10/Berkeley
O OperatorChars=.:%@!^/[]+
Cw localhost mail.example.com
CX foo bar.baz
DZzed
Kdequote dequote
"""
_LHS = ["$*", "$+", "$-", "$=w", "$=X", "$~X", "@", "<", ">", ".", "foo", "Bar", "zed", "$&Z"]
_WILD = {"$*", "$+", "$-", "$=w", "$=X", "$~X"}
_TOKENS = ["u1", "u22", "U1", "foo", "FOO", "bar", "baz", "@", "@", ".", "zed", "mail", "!"]
_TOKENS += ["example", "com", "localhost", "Bar", "q", "<", ">", '"q"', '"u1"']


@st.composite
def _rule(draw: st.DrawFn, sub: bool) -> str:
    lhs = draw(st.lists(st.sampled_from(_LHS), min_size=1, max_size=5))
    n = sum(1 for t in lhs if t in _WILD)
    pool = ["<", ">", "@", "x", "foo", "."] + [f"${i}" for i in range(1, n + 1)]
    if n:
        # lookups whose answers depend on the token: host names and dequote
        pool += ["$[ $1 $]", "$[ $1 . com $]", "$(dequote $1 $)"]
    rhs = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=5))
    prefix = draw(st.sampled_from(["", "", "$: ", "$@ "]))
    call = "$>2 " if sub and draw(st.booleans()) else ""
    return f"R{' '.join(lhs)}\t{prefix}{call}{' '.join(rhs)}"


@st.composite
def _config(draw: st.DrawFn) -> str:
    s1 = draw(st.lists(_rule(True), min_size=1, max_size=6))
    s2 = draw(st.lists(_rule(False), min_size=1, max_size=4))
    return HEAD + "S1\n" + "\n".join(s1) + "\nS2\n" + "\n".join(s2) + "\n"


_TOKEN_LISTS = st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=7)


@st.composite
def _commands(draw: st.DrawFn) -> list[str]:
    """Addresses, each followed by its variants with one token replaced by a token no
    rule knows and by any token (the same shape with other tokens), the rulesets to
    run, and a few class or macro changes."""
    out: list[str] = []
    for base in draw(st.lists(_TOKEN_LISTS, min_size=1, max_size=4)):
        rs = draw(st.sampled_from(["1 ", "2,1 "]))
        out.append(rs + " ".join(base))
        for i in range(len(base)):
            for new in ("zz", draw(st.sampled_from(_TOKENS))):
                out.append(rs + " ".join([*base[:i], new, *base[i + 1 :]]))
        if draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from([".CX u1", ".Cw example.com", ".DZ u22"])))
    return out


@given(_config(), _commands())
def test_remembered_runs_print_what_the_plain_algorithm_prints(
    text: str, commands: list[str]
) -> None:
    fast = Engine(read_config(text, "t.cf"), HostEnvironment(hostname="mail.example.com"))
    plain = Engine(read_config(text, "t.cf"), HostEnvironment(hostname="mail.example.com"))
    plain.remember = False
    # each command twice: the second answer comes from what the first left behind
    for cmd in [c for c in commands for _ in (0, 1)]:
        assert fast.testmode_line(cmd) == plain.testmode_line(cmd), cmd


def test_an_opaque_token_is_replayed_in_its_place() -> None:
    text = HEAD + "S1\nR$+ @ $+\t$: $2 < @ $1 >\nR$* < @ $=w >\t$@ local $1\n"
    eng = Engine(read_config(text, "t.cf"), HostEnvironment(hostname="mail.example.com"))
    first = eng.testmode_line("1 u1 @ elsewhere")
    assert first[-1] == "1                returns: elsewhere < @ u1 >"
    # the same shape with other opaque tokens: answered from the first run
    assert eng.testmode_line("1 joe @ there") == [
        x.replace("u1", "joe").replace("elsewhere", "there") for x in first
    ]
    # a token some rule can tell apart is not opaque
    assert eng.testmode_line("1 localhost @ u1")[-1] == "1                returns: local u1"


def test_a_rule_that_matched_a_hundred_times_stops_before_its_next_try() -> None:
    # sendmail 8.17.1.9 counts the attempt before it tries the rule, so the 101st
    # attempt stops the ruleset even though the rule would no longer match
    text = HEAD + "S1\nR$* a $*\t$1 $2\n"
    eng = Engine(read_config(text, "t.cf"), HostEnvironment(hostname="mail.example.com"))
    out = eng.testmode_line("1 " + "a " * 100 + "b")
    assert out[1:] == ["Infinite loop in ruleset 1, rule 1", "1                returns: b"]
    out = eng.testmode_line("1 " + "a " * 99 + "b")
    assert out[1:] == ["1                returns: b"]


def test_a_token_a_rule_names_is_never_taken_for_another() -> None:
    text = HEAD + "S1\nR$* @ $*\t$: $1 x\n"
    eng = Engine(read_config(text, "t.cf"), HostEnvironment(hostname="mail.example.com"))
    assert eng.testmode_line("1 u1 @ u2")[-1] == "1                returns: u1 x"
    assert eng.testmode_line("1 u1 q u2")[-1] == "1                returns: u1 q u2"
    # a class member's part is not opaque either: bar.baz is in class X
    text = HEAD + "S1\nR$=X $*\t$: matched $2\n"
    eng = Engine(read_config(text, "t.cf"), HostEnvironment(hostname="mail.example.com"))
    assert eng.testmode_line("1 u1 . baz")[-1] == "1                returns: u1 . baz"
    assert eng.testmode_line("1 bar . baz")[-1] == "1                returns: matched"


def test_a_rule_that_reads_a_macro_sees_its_new_value() -> None:
    text = HEAD + "S1\nR$* $&Z $*\t$@ $1 found $2\n"
    eng = Engine(read_config(text, "t.cf"), HostEnvironment(hostname="mail.example.com"))
    assert eng.testmode_line("1 a zed b")[-1] == "1                returns: a found b"
    eng.testmode_line(".DZ b")
    # what sendmail 8.17.1.9 prints: $* does not back up over a $&Z
    assert eng.testmode_line("1 a zed b")[-1] == "1                returns: a zed b"


def test_a_run_that_looks_up_an_opaque_token_is_remembered_for_its_value() -> None:
    text = HEAD + "S1\nR$+ @ $+\t$: $(dequote $1 $) < @ $[ $2 $] >\n"
    eng = Engine(read_config(text, "t.cf"), HostEnvironment(hostname="mail.example.com"))
    plain = Engine(read_config(text, "t.cf"), HostEnvironment(hostname="mail.example.com"))
    plain.remember = False
    for cmd in ["1 u1 @ host", "1 u2 @ host", '1 "u1" @ host', "1 u1 @ other", "1 u1 @ host"]:
        assert eng.testmode_line(cmd) == plain.testmode_line(cmd)
    assert eng.testmode_line('1 "u3" @ host')[-1] == "1                returns: u3 < @ host >"
