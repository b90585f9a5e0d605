"""Parse JSON from people and other programs without trusting it.

Answers files may be hand-edited, truncated or hostile. Everything here fails fast with an
InputError: too large, not UTF-8, duplicated keys, NaN or Infinity, absurd numbers, deep nesting.
"""

from __future__ import annotations

import json
from typing import Any

from dupi_triage.errors import InputError, quoted

MAX_BYTES = 1024 * 1024
MAX_NUMBER_CHARS = 20


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
