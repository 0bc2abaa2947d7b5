"""Typed reading of JSON values, one behaviour for every reader.

Platforms send JSON whose values may be missing, null or of another type than documented.
Every reader reads them through these helpers, so that the same value gives the same result
and the same message everywhere:

- a missing key or null is empty ("", {}, [], False), never an error, unless `required`;
- a value of the wrong type is a SourceError naming the key ("expected text, found int");
- an id is text or a whole number, stripped, and at most MAX_ID characters (the archive's
  limit on platform ids, parents and threads): a longer one is an error, never cut;
- `within(where, error)` puts an error's location under the item it came from, keeping its
  class (a SourceNotice stays a notice).

`*_of(value, key)` read a value already taken out; `*_at(obj, key)` take it from an object.
Times are read with `times.parse_time`, the one parser of written times.
"""

from .base import SourceError
from .clean import safe_text

__all__ = [
    "MAX_ID",
    "dict_at",
    "flag_of",
    "id_at",
    "id_of",
    "list_at",
    "list_of",
    "object_of",
    "str_at",
    "text_of",
    "within",
]

MAX_ID = 200


def text_of(value: object, key: str, *, required: bool = False, limit: int | None = None) -> str:
    """Text (NUL made U+FFFD); "" when missing, unless required (then also not blank)."""
    if value is None:
        if required:
            raise SourceError(key, "missing")
        return ""
    if not isinstance(value, str):
        raise SourceError(key, f"expected text, found {type(value).__name__}")
    if limit is not None and len(value) > limit:
        raise SourceError(key, f"longer than {limit:,} characters")
    if required and not value.strip():
        raise SourceError(key, "empty")
    return safe_text(value)


def id_of(value: object, key: str, *, required: bool = False) -> str:
    """An id: text or a whole number (some tools write numbers), stripped."""
    if type(value) is str:
        text = value.strip()
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif value is None:
        text = ""
    else:
        raise SourceError(key, f"expected an id, found {type(value).__name__}")
    if not text:
        if required:
            raise SourceError(key, "missing")
        return ""
    if len(text) > MAX_ID:
        raise SourceError(key, f"longer than {MAX_ID} characters")
    return safe_text(text)


def object_of(value: object, key: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SourceError(key, f"expected an object, found {type(value).__name__}")
    return value


def list_of(value: object, key: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SourceError(key, f"expected a list, found {type(value).__name__}")
    return value


def flag_of(value: object, key: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise SourceError(key, "expected true or false")
    return value


def str_at(obj: dict, key: str, *, required: bool = False, limit: int | None = None) -> str:
    return text_of(obj.get(key), key, required=required, limit=limit)


def id_at(obj: dict, *keys: str, required: bool = False) -> str:
    """The first of `keys` that holds an id (X writes both "id_str" and "id")."""
    for key in keys:
        found = id_of(obj.get(key), key)
        if found:
            return found
    if required:
        raise SourceError(keys[0], "missing")
    return ""


def dict_at(obj: dict, key: str) -> dict:
    return object_of(obj.get(key), key)


def list_at(obj: dict, key: str) -> list:
    return list_of(obj.get(key), key)


def within(where: str, error: SourceError) -> SourceError:
    """The error located under `where` ("data/tweets.js, item 3" + ", created_at")."""
    location = f"{where}, {error.location}" if error.location else where
    return type(error)(location, error.reason)
