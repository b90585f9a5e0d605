"""dupi_triage.records.NamedTuple behaves as typing.NamedTuple does, for what the code uses."""

from __future__ import annotations

import copy
import pickle
import typing
from typing import Any

import pytest

from dupi_triage import records


def _define(base: Any) -> Any:
    class Sample(base):  # type: ignore[misc]
        """A sample record."""

        name: str
        options: tuple[str, ...]
        negated: bool = False
        note: str | None = None

        def __str__(self) -> str:
            return f"{self.name}{'!' if self.negated else '.'}{'|'.join(self.options)}"

        @property
        def first(self) -> str:
            return str(self.options[0])

    return Sample


OURS = _define(records.NamedTuple)
TYPINGS = _define(typing.NamedTuple)
# pickle finds a class by its module and name: these two are the module's own.
Sample = OURS
OURS.__qualname__ = "Sample"


def _both(make: Any) -> tuple[Any, Any]:
    ours: Any = make(OURS)
    theirs: Any = make(TYPINGS)
    return ours, theirs


def test_fields_defaults_and_documentation_are_those_of_typing() -> None:
    assert OURS._fields == TYPINGS._fields == ("name", "options", "negated", "note")
    assert OURS._field_defaults == TYPINGS._field_defaults
    assert OURS.__doc__ == TYPINGS.__doc__ == "A sample record."
    assert OURS.__match_args__ == TYPINGS.__match_args__
    assert OURS.__mro__[1:] == TYPINGS.__mro__[1:] == (tuple, object)
    assert typing.get_type_hints(OURS) == typing.get_type_hints(TYPINGS)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("q", ("a", "b")), {}),
        (("q", ("a",), True), {}),
        (("q",), {"options": ("a",), "note": "n"}),
        ((), {"name": "q", "options": (), "negated": True, "note": None}),
    ],
)
def test_made_compared_shown_and_changed_as_typing_does(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    ours, theirs = _both(lambda cls: cls(*args, **kwargs))
    assert tuple(ours) == tuple(theirs)
    assert ours == theirs
    assert hash(ours) == hash(theirs)
    assert repr(ours).replace("Sample", "X") == repr(theirs).replace("Sample", "X")
    assert str(ours) == str(theirs)
    assert ours._asdict() == theirs._asdict()
    assert tuple(ours._replace(note="changed")) == tuple(theirs._replace(note="changed"))
    assert tuple(OURS._make(list(ours))) == tuple(ours)
    assert ours.name == theirs.name
    if ours.options:
        assert ours.first == theirs.first
    assert copy.deepcopy(ours) == ours
    assert pickle.loads(pickle.dumps(ours)) == ours
    assert type(pickle.loads(pickle.dumps(ours))) is OURS
    assert isinstance(ours, tuple)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((), {}), (("q",), {}), (("q", (), False, None, "extra"), {}), (("q", ()), {"other": 1})],
)
def test_a_wrong_call_fails_with_typing_s_message(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    with pytest.raises(TypeError) as ours:
        OURS(*args, **kwargs)
    with pytest.raises(TypeError) as theirs:
        TYPINGS(*args, **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_replace_refuses_an_unknown_field_as_typing_does() -> None:
    with pytest.raises(ValueError, match="unexpected field names"):
        OURS("q", ())._replace(other=1)


def test_a_record_is_matched_by_position() -> None:
    match OURS("q", ("a",)):
        case OURS(name, options):
            assert (name, options) == ("q", ("a",))
        case _:  # pragma: no cover
            pytest.fail("not matched")


@pytest.mark.parametrize(
    "body",
    [
        "a: int = 1\n    b: int",  # a field without a default after one with a default
        "_hidden: int",
        "a: int\n    def _replace(self): pass",
    ],
)
def test_a_record_typing_refuses_is_refused(body: str) -> None:
    source = f"class Bad(NamedTuple):\n    {body}\n"
    for base in (records.NamedTuple, typing.NamedTuple):
        with pytest.raises((TypeError, ValueError, AttributeError)):
            exec(source, {"NamedTuple": base})
