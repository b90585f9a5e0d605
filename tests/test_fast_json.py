"""Batch's fast JSON path reads exactly what the strict parser reads, and refuses what it refuses.

`strictjson.loads_row` parses with orjson and falls back to `strictjson.loads` when a cheap check
trips; every row must give the same value, or the same row error, as `loads` alone.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dupi_triage import strictjson
from dupi_triage.errors import InputError
from tests.test_hostile import HOSTILE


def outcome(parse: Any, data: bytes) -> tuple[str, Any]:
    try:
        return "value", parse(data, "row 3")
    except InputError as error:
        return "error", str(error)


def same(data: bytes) -> None:
    fast = outcome(strictjson.loads_row, data)
    strict = outcome(strictjson.loads, data)
    assert fast == strict
    # -0.0 == 0.0 and 1 == 1.0 in Python: compare the types and signs too.
    assert json.dumps(fast, sort_keys=True) == json.dumps(strict, sort_keys=True)


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_hostile_answers_file_gives_the_strict_parsers_result(content: bytes) -> None:
    same(content)


@pytest.mark.parametrize(
    "content",
    [
        b'{"itch": 1, "itch": 9}',
        b'{"a": {"b": 1, "b": 2}}',
        b'{"a": [{"b": 1}, {"c": 2, "c": 3}]}',
        b'{"a" : 1 ,\t"a"\n:\r2}',
        b'{"note": "time: 10:00", "note": "x"}',
        b'{"a": 1e400}',
        b'{"a": 1.5e-400}',
        b'{"a": -0}',
        b'{"a": -0.0}',
        b'{"a": 123456789012345678901}',
        b'{"a": 18446744073709551616}',
        b'{"a": 18446744073709551615}',
        b'{"a": -9223372036854775809}',
        b'{"a": 1.00000000000000000001}',
        b'{"a": "123456789012345678901"}',
        b'{"a": "\\ud800"}',
        b'{"a": "\\u0000"}',
        b"\xef\xbb\xbf{}",
        b'{"a": 1} x',
        b'{"a": ' * 40 + b"1" + b"}" * 40,
        b"[" * 40 + b"]" * 40,
        b'{"a": "\x01"}',
        b"{}",
        b"",
        b"  \n",
    ],
)
def test_duplicates_numbers_and_odd_strings_give_the_strict_parsers_result(content: bytes) -> None:
    same(content)


KEYS = st.sampled_from(["a", "b", "itch", "red:flags", 'q"', "ü"])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.sampled_from('ab:"\\ é\n\x00'), max_size=6),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(st.tuples(KEYS, inner), max_size=4),  # pairs: keys may repeat
    ),
    max_leaves=12,
)


def encode(value: Any, space: str) -> str:
    """JSON text in which a list of pairs becomes an object, duplicated keys kept."""
    if isinstance(value, list) and value and all(isinstance(v, tuple) for v in value):
        members = [f"{json.dumps(k)}{space}:{space}{encode(v, space)}" for k, v in value]
        return "{" + f",{space}".join(members) + "}"
    if isinstance(value, list):
        return "[" + f",{space}".join(encode(v, space) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


@settings(max_examples=400, deadline=None)
@given(VALUES, st.sampled_from(["", " ", "\t", "\n "]))
def test_any_generated_json_gives_the_strict_parsers_result(value: Any, space: str) -> None:
    same(encode(value, space).encode())
