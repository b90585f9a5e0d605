"""Reading an answers file, a saved JSON result or a FHIR QuestionnaireResponse, bounded."""

from __future__ import annotations

import sys

from dupi_triage import strictjson
from dupi_triage.answers import Answers, answers_document, parse_answers
from dupi_triage.errors import InputError, quoted, quoted_path
from dupi_triage.migrations import VERSION_KEY, saved_by_1_0
from dupi_triage.questionnaire import Questionnaire


def read_answers_file(
    questionnaire: Questionnaire, path_text: str, field: str, *, orphans: bool = False
) -> Answers:
    """The answers in a file ('-' for standard input); errors name `field` and the file."""
    where = f"{field} {_shown(path_text)}"
    document = strictjson.loads(_read_limited(path_text, field), where)
    try:
        return read_document(questionnaire, document, where, orphans=orphans)
    except InputError as error:
        if error.field == where:
            raise
        raise InputError(where, str(error)) from None


def read_document(
    questionnaire: Questionnaire, document: object, where: str, *, orphans: bool = False
) -> Answers:
    """The answers in one parsed JSON document, whichever of the accepted kinds it is."""
    from dupi_triage import fhir_answers

    if fhir_answers.is_response(document):
        return fhir_answers.response_answers(questionnaire, document)  # type: ignore[arg-type]
    if isinstance(document, dict) and isinstance(document.get("resourceType"), str):
        raise InputError(
            where,
            f"a FHIR {quoted(document['resourceType'])} holds no answers dupi-triage can read",
            "answers, a saved result, a QuestionnaireResponse; batch also reads a Bundle of them",
        )
    raw = answers_document(document, where)
    if saved_by_1_0(raw):
        raw = {VERSION_KEY: "1.0", **raw}
    return parse_answers(questionnaire, raw, orphans=orphans)


def kept_as_written(path_text: str) -> str | None:
    """What a file holds that saving answers over it would lose, or None for plain answers.

    Saving back into the answers file being finished is what resuming means; a FHIR response or
    a saved result given as --answers is another kind of document, never replaced by answers.
    """
    try:
        document = strictjson.loads(_read_limited(path_text, "--answers"), "--answers")
    except InputError:
        return None  # reading it for the answers says what is wrong, naming the file
    if not isinstance(document, dict):
        return None
    from dupi_triage import fhir_answers

    if fhir_answers.is_response(document):
        return "a FHIR QuestionnaireResponse"
    if isinstance(document.get("resourceType"), str):
        return f"a FHIR {quoted(document['resourceType'])}"
    if document.get("tool") == "dupi-triage":
        return "a saved dupi-triage result"
    return None


def _shown(path_text: str) -> str:
    return "standard input" if path_text == "-" else quoted_path(path_text)


def _read_limited(path_text: str, field: str) -> bytes:
    shown = _shown(path_text)
    try:
        if path_text == "-":
            return sys.stdin.buffer.read(strictjson.MAX_BYTES + 1)
        with open(path_text, "rb") as handle:
            return handle.read(strictjson.MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(field, f"no such file: {shown}") from None
    except IsADirectoryError:
        raise InputError(field, f"{shown} is a folder, not a file") from None
    except OSError as error:
        raise InputError(field, f"cannot read {shown}: {error.strerror or error}") from None
