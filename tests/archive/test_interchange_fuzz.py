"""The interchange reader never raises: any bytes give an item, the header or a SourceError."""

import datetime
import json

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from torget.sources.base import CapturedItem, SourceError
from torget.sources.interchange import Header, parse_line

NOW = datetime.datetime(2025, 3, 2, tzinfo=datetime.UTC)
KEYS = [
    "v",
    "id",
    "kind",
    "text",
    "title",
    "created_at",
    "edited_at",
    "captured_at",
    "author",
    "author_is_organisation",
    "parent_id",
    "thread_id",
    "language",
    "permalink",
    "hidden",
    "media",
    "torget",
    "complete",
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
VALID = {
    "v": 1,
    "id": "1",
    "kind": "comment",
    "text": "Hej",
    "created_at": "2025-03-01T09:00:00Z",
    "author": {"id": "u", "name": "Anna"},
    "media": [{"url": "https://example.invalid/a"}],
}


def outcome(line: bytes):
    value = parse_line(7, line, NOW)
    assert value is None or isinstance(value, CapturedItem | Header | SourceError)
    if isinstance(value, SourceError):
        assert value.location.startswith("line 7")
    return value


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes(data):
    outcome(data)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS), json_values, max_size=10))
def test_any_object_with_known_keys(obj):
    outcome(json.dumps(obj).encode())


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(VALID)), json_values)
def test_a_valid_line_with_one_value_changed(key, value):
    outcome(json.dumps({**VALID, key: value}).encode())


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=len(orjson.dumps(VALID)) - 1))
def test_a_truncated_line(cut):
    assert isinstance(outcome(orjson.dumps(VALID)[:cut]), SourceError)
