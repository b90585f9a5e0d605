"""Parse JSON from people and other programs without trusting it.

Answers files may be hand-edited, truncated or hostile. Everything here fails fast with an
InputError: too large, not UTF-8, duplicated keys, NaN or Infinity, absurd numbers, deep nesting.
"""

from __future__ import annotations

import json
import re
from typing import Any

from dupi_triage.errors import InputError, quoted

MAX_BYTES = 1024 * 1024
MAX_NUMBER_CHARS = 20
# The fast path (`loads_row`) hands anything unusual to `loads`: a float (its text may be longer
# than a number may be), an integer of more than 20 characters, or deeper nesting than rows have.
_KEY_END = re.compile(rb'"[ \t\r\n]*:')
_MAYBE_FLOAT = re.compile(rb"[0-9](?:[.eE]|[0-9]{18})")  # orjson reads -2**63-1 as a float
_FAST_MAX_DEPTH = 32
_FAST_INTS = range(-(10**19) + 1, 10**20)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError("number too large")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError("number too large")
    return float(text)


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicated key {quoted(key)}")
        result[key] = value
    return result


def loads(data: bytes | str, source: str, limit: int = MAX_BYTES) -> Any:
    """Decode one JSON document; `source` names it in errors (a path, 'standard input', 'row 7')."""
    if isinstance(data, bytes):
        if len(data) > limit:
            raise InputError(source, f"larger than {limit // 1024} KiB")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError(source, f"not valid UTF-8 (byte {error.start})") from None
    else:
        text = data
        if len(text) > limit:
            raise InputError(source, f"larger than {limit // 1024} KiB")
    text = text.removeprefix("\ufeff")
    try:
        return json.loads(
            text,
            object_pairs_hook=_unique_object,
            parse_constant=_reject_constant,
            parse_int=_parse_int,
            parse_float=_parse_float,
        )
    except json.JSONDecodeError as error:
        raise InputError(source, f"not valid JSON ({error.msg} at line {error.lineno})") from None
    except RecursionError:
        raise InputError(source, "nested too deeply") from None
    except ValueError as error:
        raise InputError(source, f"not acceptable JSON ({error})") from None


def loads_row(data: bytes, source: str, limit: int = MAX_BYTES) -> Any:
    """`loads`, several times faster on ordinary rows, with the same result and the same errors.

    orjson parses; its result is kept only when a cheap check shows that the strict parser would
    have read the same thing. orjson itself refuses NaN, Infinity, a byte order mark, bad UTF-8
    and lone surrogates, but keeps the last of duplicated keys, so the check counts keys: every
    key in the text ends with a quote and a colon, so as many keys parsed as colons (or
    quote-colons) in the text means that none was duplicated. Anything else (an error, a float,
    a long integer, deep nesting, a colon inside a string) is parsed again by `loads`, which
    decides, and gives the error the user sees.
    """
    if len(data) <= limit:
        import orjson

        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
        else:
            colons = data.count(b":")
            if (
                # A flat answers row: no key but the top-level ones, none twice, no float.
                type(document) is dict
                and colons == len(document)
                and data.count(b"[") + data.count(b"{") <= _FAST_MAX_DEPTH
                and _MAYBE_FLOAT.search(data) is None
            ):
                return document
            keys = _count_keys([document], 0)
            if keys >= 0 and (colons == keys or len(_KEY_END.findall(data)) == keys):
                return document
    return loads(data, source, limit)


def _count_keys(values: list[Any] | dict[str, Any], depth: int) -> int:
    """Keys in all objects inside a parsed document; -1 when the strict parser must decide."""
    if depth > _FAST_MAX_DEPTH:
        return -1
    if type(values) is dict:
        total = len(values)
        items: Any = values.values()
    else:
        total = 0
        items = values
    for item in items:
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if item not in _FAST_INTS:
                return -1
            continue
        if kind is float:
            return -1
        inner = _count_keys(item, depth + 1)
        if inner < 0:
            return -1
        total += inner
    return total
