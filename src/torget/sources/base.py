"""The value every source produces and the ingest pipeline consumes."""

import datetime
from dataclasses import dataclass, field


class Kind:
    POST = "post"
    COMMENT = "comment"
    REPLY = "reply"
    MESSAGE = "direct_message"
    STORY = "story"
    VIDEO = "video"
    ARTICLE = "article"

    ALL = (POST, COMMENT, REPLY, MESSAGE, STORY, VIDEO, ARTICLE)


@dataclass(frozen=True, slots=True)
class CapturedMedia:
    """A picture, video or file attached to an item. `path` is a local file the source read
    (inside an export); `url` is where the platform serves it. Either may be empty."""

    url: str = ""
    path: str = ""
    mime_type: str = ""
    sha256: str = ""


@dataclass(frozen=True, slots=True)
class CapturedItem:
    """One post, comment, reply or message as a source saw it at `captured_at`.

    `raw` is the capture exactly as the source read it (a JSON line, an API object as text);
    it is stored unchanged with each new version.
    """

    platform_id: str
    kind: str
    text: str
    created_at: datetime.datetime
    captured_at: datetime.datetime
    raw: str
    author_id: str = ""
    author_name: str = ""
    author_handle: str = ""
    # True when the organisation's own account wrote it: the record is drawn up (upprättad).
    author_is_organisation: bool = False
    parent_id: str = ""
    thread_id: str = ""
    edited_at: datetime.datetime | None = None
    title: str = ""
    language: str = ""
    permalink: str = ""
    hidden: bool = False
    media: tuple[CapturedMedia, ...] = field(default=())
    # Set when the source itself says the platform no longer has the item (an archive's
    # list of deleted posts): the record is kept and marked deleted on the platform.
    deleted_at: datetime.datetime | None = None


class SourceError(ValueError):
    """Input a source could not read, with where (`location`: a line, a key) and why."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason


class SourceNotice(SourceError):
    """Something the person importing must know about an item that WAS imported (a media
    file missing from the export): reported with the rejections, but not counted as one."""
