"""Typed records that cost little to define: start-up defines some thirty of them.

`typing.NamedTuple` checks every annotation and compiles each class's constructor as it defines
the class: about 105 us a class, 3 ms of every run before its first byte (benchmarks/bench.py).
The classes made here are the same kind of object (a tuple subclass with the same fields,
defaults, methods, `_fields`, `_field_defaults`, `_make`, `_replace`, `_asdict`, repr, equality,
hashing, pickling, and a constructor as fast) for about 15 us: classes with the same number of
fields share one compiled constructor, each under its own argument names.

Type checkers see `typing.NamedTuple` itself (the same declarations, the same checks); at run
time, `class Sign(NamedTuple)` with `from dupi_triage.records import NamedTuple` builds the class
here. tests/test_records.py holds it to typing.NamedTuple's behaviour.

Fields and Value are the bases of the few plain classes that stand in for frozen dataclasses
(Question, Questionnaire, Assessment, the diary's entries).
"""

from __future__ import annotations

import keyword
from typing import TYPE_CHECKING, Any, Self


class Fields:
    """Base of the plain classes that stand in for frozen dataclasses (defining a dataclass costs
    every start 0.4 to 0.7 ms): their fields are the arguments their __init__ takes, set once
    (Final, for the type checker), and `replace` makes a changed copy, as dataclasses.replace."""

    __slots__ = ()

    def fields(self) -> dict[str, Any]:
        """Each field by name, as given to __init__."""
        code = type(self).__init__.__code__
        return {name: getattr(self, name) for name in code.co_varnames[1 : code.co_argcount]}

    def replace(self, **changes: Any) -> Self:
        return type(self)(**self.fields() | changes)


class Value(Fields):
    """A Fields class equal, hashed and shown by its fields, as a frozen dataclass is."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.fields() == other.fields()

    def __hash__(self) -> int:
        return hash(tuple(self.fields().values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.fields().items())
        return f"{type(self).__name__}({shown})"


if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    from _collections import _tuplegetter
    from types import CodeType, FunctionType

    #: What a record class's own body may not define: these are made here.
    _MADE = frozenset(
        {"__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults",
         "_make", "_replace", "_asdict", "__match_args__"}
    )  # fmt: skip

    class _RecordMeta(type):
        """Builds a record class from a `class Name(NamedTuple):` body, as typing does."""

        def __new__(
            mcls, typename: str, bases: tuple[type, ...], namespace: dict[str, Any]
        ) -> type:
            if not bases:  # NamedTuple itself
                return super().__new__(mcls, typename, bases, namespace)
            if bases != (NamedTuple,):
                raise TypeError("a record derives from NamedTuple alone")
            return _record_class(typename, namespace)

    class NamedTuple(metaclass=_RecordMeta):
        """Derive from this, as from typing.NamedTuple."""

    def _record_class(typename: str, namespace: dict[str, Any]) -> type:
        annotations = namespace.get("__annotations__", {})
        fields = tuple(annotations)
        for name in fields:
            if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
                raise ValueError(f"{typename}: {name!r} cannot be a field name")
        defaults = {name: namespace[name] for name in fields if name in namespace}
        if tuple(defaults) != fields[len(fields) - len(defaults) :]:
            raise TypeError(f"{typename}: a field without a default follows one with a default")
        made = _MADE & set(namespace)
        if made:
            raise AttributeError(f"{typename}: cannot define {', '.join(sorted(made))}")
        body = {key: value for key, value in namespace.items() if key not in defaults}
        body.setdefault("__doc__", f"{typename}({', '.join(fields)})")
        for index, name in enumerate(fields):
            body[name] = _tuplegetter(index, f"Alias for field number {index}")
        body.update(
            __slots__=(),
            __new__=_constructor(typename, fields, defaults),
            __getnewargs__=_getnewargs,
            __repr__=namespace.get("__repr__", _repr),
            __match_args__=fields,
            _fields=fields,
            _field_defaults=defaults,
            _make=classmethod(_make),
            _replace=_replace,
            _asdict=_asdict,
        )
        return type(typename, (tuple,), body)

    def _constructor(typename: str, fields: tuple[str, ...], defaults: dict[str, Any]) -> Any:
        """The constructor collections.namedtuple makes (named arguments, defaults and all),
        without compiling one for each class: the compiled constructor for this many fields,
        its arguments renamed (they are only names: the code reads them by position)."""
        template = _templates.get(len(fields))
        if template is None:
            names = ", ".join(f"_{index}" for index in range(len(fields)))
            tuple_of = f"({names},)" if len(fields) == 1 else f"({names})"
            function = eval(f"lambda _cls, {names}: _tuple_new(_cls, {tuple_of})", _GLOBALS)
            template = _templates[len(fields)] = function.__code__
        qualname = f"{typename}.__new__"
        code = template.replace(
            co_varnames=("_cls", *fields), co_name="__new__", co_qualname=qualname
        )
        new = FunctionType(code, _GLOBALS, "__new__", tuple(defaults.values()) or None)
        new.__qualname__ = qualname
        new.__doc__ = f"Create new instance of {typename}({', '.join(fields)})"
        return new

    _GLOBALS = {"_tuple_new": tuple.__new__, "__builtins__": {}}
    #: The compiled constructor's code for each number of fields.
    _templates: dict[int, CodeType] = {}

    def _getnewargs(self: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(self)

    def _repr(self: Any) -> str:
        shown = ", ".join(
            f"{name}={value!r}" for name, value in zip(self._fields, self, strict=True)
        )
        return f"{type(self).__name__}({shown})"

    def _make(cls: type, iterable: Any) -> Any:
        result = tuple.__new__(cls, iterable)
        if len(result) != len(cls._fields):
            raise TypeError(f"Expected {len(cls._fields)} arguments, got {len(result)}")
        return result

    def _replace(self: Any, /, **changes: Any) -> Any:
        result = self._make(map(changes.pop, self._fields, self))
        if changes:
            raise ValueError(f"Got unexpected field names: {list(changes)!r}")
        return result

    def _asdict(self: Any) -> dict[str, Any]:
        return dict(zip(self._fields, self, strict=True))
