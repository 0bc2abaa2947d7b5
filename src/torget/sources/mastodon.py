"""Mastodon: the account archive (outbox.json + actor.json) and saved REST API pages.

One identifier rule joins the two: a status's `platform_id` is its ActivityPub id, the URL
the whole fediverse knows it by (`object.id` in the archive, `uri` in the REST API), never
the numeric id, which each server assigns on its own. A status imported from the archive
and the same status fetched later through the API are therefore one record.

Boosts (an `Announce` in the archive, a status with `reblog` in the API) are not archived:
a boost repeats someone else's text and is not written by the organisation. They are counted
in `Found.counts["boosts (not archived)"]` while reading.

The REST API names a reply's parent by its numeric id (`in_reply_to_id`), local to the
server that answered. The parent's ActivityPub id is found, in order: (1) among the statuses
of the same page (a timeline page, a context page and its focal status); (2) by Mastodon's
rule for statuses of the server's own accounts, `account.uri + "/statuses/" + id`, when the
parent's author (`in_reply_to_account_id`) is a local account seen in the pages. Otherwise the
reply keeps no parent link (its kind still says it is a reply); saving the status's context
page (`/api/v1/statuses/:id/context`) gives the whole thread.
"""

import mimetypes
import re
import zipfile
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

import orjson

from . import formats
from .base import CapturedItem, CapturedMedia, Kind, SourceError, SourceNotice
from .bundle import Bundle, BundleError
from .clean import html_to_text, safe_text
from .fields import dict_at, id_of, str_at, within
from .formats import Found, ReadContext, Reader, module_readers, register
from .times import parse_time

__all__ = [
    "READERS",
    "ArchiveReader",
    "RestApiReader",
    "items_from_history_page",
    "items_from_statuses_page",
]

PUBLIC = {
    "https://www.w3.org/ns/activitystreams#Public",
    "as:Public",
    "Public",
}
BOOSTS = "boosts (not archived)"
OTHER_ACTIVITIES = "other activities (not archived)"
_TOTAL_ITEMS = re.compile(rb'"totalItems"\s*:\s*(\d+)')
# Activities are counted in detect() by their type, which only activities have: a status's
# own "type" is "Note" (or "Question"), and text inside a status has its quotes escaped.
_ACTIVITY_TYPE = re.compile(rb'"type"\s*:\s*"(Create|Announce)"')
_FIRST_ACTOR = re.compile(rb'"actor"\s*:\s*"(https?://[^"\s]+)"')
COUNT_LIMIT_BYTES = 512 * 1024**2  # larger outboxes are not counted beforehand
STATUSES = "statuses"
_STATUS_ID_IN_NAME = re.compile(r"(\d{6,})")
_API_MARKERS = (b'"spoiler_text"', b'"ancestors"')
_PAGE_LIMIT = 64 * 1024**2
_RECOVERABLE = (KeyError, TypeError, ValueError, AttributeError, IndexError)


# Shared helpers.


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _mime_type(url: str, declared: object = None) -> str:
    if isinstance(declared, str) and "/" in declared:
        return declared
    guessed, _ = mimetypes.guess_type(urlsplit(url).path if "://" in url else url)
    return guessed or ""


def _located(where: str, error: SourceError) -> SourceError:
    return within(where, error)


def _unexpected(where: str, error: Exception) -> SourceError:
    return SourceError(where, f"unexpected value ({type(error).__name__}: {error})"[:300])


# The account archive.


@register
class ArchiveReader(Reader):
    """Settings > Import and export > Request your archive: a zip with outbox.json (every
    status as an ActivityStreams activity), actor.json (the account) and the media files."""

    platform = "mastodon"
    name = "mastodon-archive"
    label = "Mastodon archive"
    label_in_sentence = "a Mastodon archive"
    expects = (
        "Mastodon's archive: the zip or folder with outbox.json (actor.json and "
        "media_attachments/ beside it), or outbox.json alone"
    )

    def detect(self, bundle: Bundle) -> Found | None:
        try:
            outbox = bundle.first("outbox.json", "*/outbox.json")
            if outbox is None:
                return None
            head = bundle.head(outbox, 8192)
            if b"OrderedCollection" not in head or b'"orderedItems"' not in head:
                return None
            actor_name = bundle.first("actor.json", "*/actor.json")
            actor = {}
            if actor_name is not None:
                actor = orjson.loads(bundle.read_bytes(actor_name, limit=4 * 1024**2))
                if not isinstance(actor, dict):
                    actor = {}
            actor_id = actor.get("id")
            username = actor.get("preferredUsername")
            if not isinstance(actor_id, str) or not isinstance(username, str):
                # outbox.json sent without actor.json: its activities name their actor
                # ("https://social.exempla.se/users/exempla").
                found_actor = _FIRST_ACTOR.search(bundle.head(outbox, 1024**2))
                if found_actor is None:
                    return None
                actor_id = found_actor.group(1).decode()
                username = urlsplit(actor_id).path.rstrip("/").rsplit("/", 1)[-1]
                actor = {"id": actor_id}
            host = _host(actor_id)
            account = f"@{username}@{host}" if host else f"@{username}"
            ids = {account, actor_id}
            for key in ("url", "name"):
                value = actor.get(key)
                if isinstance(value, str) and value.strip():
                    ids.add(value)
            counts, total = _count_activities(bundle, outbox, head)
            followers = actor.get("followers")
            if not isinstance(followers, str):
                followers = f"{actor_id}/followers"
            return Found(
                platform=self.platform,
                format=self.name,
                description=f"Mastodon archive of {account}",
                account=account,
                account_ids=frozenset(ids),
                counts=counts,
                total=total,
                details={
                    "outbox": outbox,
                    "actor_id": actor_id,
                    "handle": account,
                    "name": actor.get("name") if isinstance(actor.get("name"), str) else "",
                    "followers": followers,
                    "host": host,
                },
            )
        except (SourceError, BundleError, OSError, KeyError, ValueError, zipfile.BadZipFile):
            return None

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        # What read() finds is counted afresh (detect's counts were printed already).
        found.counts.pop(BOOSTS, None)
        found.counts.pop(OTHER_ACTIVITIES, None)
        outbox = found.details["outbox"]
        media_names = _media_index(bundle)
        index = -1
        try:
            with bundle.open(outbox) as stream:
                for index, activity in enumerate(
                    # Looked up when reading: formats imports this module while it loads.
                    formats.json_array_items(stream, "orderedItems.item")
                ):
                    where = f"{outbox}, item {index}"
                    problems: list[SourceError] = []
                    try:
                        item = self._item(activity, bundle, media_names, found, context, problems)
                    except SourceError as error:
                        yield _located(where, error)
                        continue
                    except _RECOVERABLE as error:
                        yield _unexpected(where, error)
                        continue
                    if item is not None:
                        yield item
                    for problem in problems:
                        yield _located(where, problem)
        except SourceError as error:
            yield SourceError(f"{outbox}, after item {index}", error.reason)
        except (OSError, zipfile.BadZipFile, EOFError) as error:
            yield SourceError(f"{outbox}, after item {index}", f"cannot be read ({error})")

    def _item(
        self,
        activity: object,
        bundle: Bundle,
        media_names: dict[str, str],
        found: Found,
        context: ReadContext,
        problems: list[SourceError],
    ) -> CapturedItem | None:
        if not isinstance(activity, dict):
            raise SourceError("activity", f"expected an object, found {type(activity).__name__}")
        kind_of_activity = activity.get("type")
        if kind_of_activity == "Announce":
            found.counts[BOOSTS] = found.counts.get(BOOSTS, 0) + 1
            return None
        if kind_of_activity != "Create":
            found.counts[OTHER_ACTIVITIES] = found.counts.get(OTHER_ACTIVITIES, 0) + 1
            return None
        note = activity.get("object")
        if not isinstance(note, dict):
            raise SourceError("object", "expected the status itself, found only a reference")
        platform_id = str_at(note, "id")
        if not platform_id:
            raise SourceError("object.id", "missing")
        published = note.get("published") or activity.get("published")
        created_at = parse_time(published, "object.published")
        updated = note.get("updated")
        edited_at = parse_time(updated, "object.updated") if updated else None
        try:
            content = str_at(note, "content")
            title = str_at(note, "summary")
        except SourceError as error:
            raise SourceError(f"object.{error.location}", error.reason) from None
        parent_id = _reference(note.get("inReplyTo"), "object.inReplyTo")
        details = found.details
        if _is_direct(note, details.get("followers", "")):
            kind = Kind.MESSAGE
        else:
            kind = Kind.REPLY if parent_id else Kind.POST
        return CapturedItem(
            platform_id=platform_id,
            kind=kind,
            text=html_to_text(content),
            created_at=created_at,
            captured_at=context.captured_at,
            raw=orjson.dumps(activity).decode(),
            author_id=details.get("actor_id", ""),
            author_name=safe_text(details.get("name", "")),
            author_handle=details.get("handle", ""),
            # Everything the account archive's outbox creates is the account's own.
            author_is_organisation=True,
            parent_id=parent_id,
            edited_at=edited_at,
            title=title,
            language=_language(note.get("contentMap")),
            permalink=_reference(note.get("url"), "object.url") or platform_id,
            media=tuple(
                _archive_media(
                    note.get("attachment"), bundle, media_names, details.get("host", ""), problems
                )
            ),
        )


def _media_index(bundle: Bundle) -> dict[str, str]:
    """Media paths as the outbox writes them ("media_attachments/files/...") -> bundle names.
    The archive may sit in a folder of its own, so names are matched from the media folder."""
    index = {}
    for name in bundle.names():
        at = name.find("media_attachments/")
        if at >= 0:
            index[name[at:]] = name
    return index


def _count_activities(bundle: Bundle, outbox: str, head: bytes) -> tuple[dict, int | None]:
    """({"statuses": n, "boosts (not archived)": m}, n): what the import will archive and
    what it leaves out, counted the way read() counts them, so that the summary agrees with
    the import. An outbox too large to count says only its totalItems."""
    if bundle.size(outbox) > COUNT_LIMIT_BYTES:
        match = _TOTAL_ITEMS.search(head)
        return ({"activities": int(match.group(1))} if match else {}), None
    creates = announces = 0
    tail = b""
    with bundle.open(outbox) as stream:
        while chunk := stream.read(4 * 1024**2):
            window = tail + chunk
            cut = max(len(window) - 64, 0)  # a match across the cut is counted next time
            for match in _ACTIVITY_TYPE.finditer(window, 0, cut):
                if match.group(1) == b"Create":
                    creates += 1
                else:
                    announces += 1
            tail = window[cut:]
    for match in _ACTIVITY_TYPE.finditer(tail):
        if match.group(1) == b"Create":
            creates += 1
        else:
            announces += 1
    counts = {STATUSES: creates}
    if announces:
        counts[BOOSTS] = announces
    return counts, creates


def _archive_media(
    attachments: object,
    bundle: Bundle,
    media_names: dict[str, str],
    host: str = "",
    problems: list[SourceError] | None = None,
) -> Iterator[CapturedMedia]:
    if attachments is None:
        return
    if isinstance(attachments, dict):
        attachments = [attachments]
    if not isinstance(attachments, list):
        raise SourceError("object.attachment", "expected a list")
    for number, attachment in enumerate(attachments):
        if not isinstance(attachment, dict):
            raise SourceError(f"object.attachment[{number}]", "expected an object")
        url = _reference(attachment.get("url"), f"object.attachment[{number}].url")
        if not url:
            continue
        mime_type = _mime_type(url, attachment.get("mediaType"))
        # Mastodon writes the file's path on its storage ("/system/media_attachments/...",
        # or without "/system"); the archive holds the file under "media_attachments/...".
        path = urlsplit(url).path if "://" in url else url
        at = path.find("media_attachments/")
        name = media_names.get(path[at:]) if at >= 0 else None
        if name is not None:
            yield CapturedMedia(path=str(bundle.local_path(name)), mime_type=mime_type)
            continue
        if "://" not in url and host:
            # The file's address on the instance: kept, so that it can be fetched later.
            url = f"https://{host}/{url.lstrip('/')}"
        if problems is not None and at >= 0:
            problems.append(
                SourceNotice(
                    f"object.attachment[{number}]",
                    f"the file {path[at:][:200]} is missing from the archive; the status was "
                    "imported with the file's address only. Request a new archive with its "
                    "media, or import the folder it was unpacked into whole.",
                )
            )
        yield CapturedMedia(url=url, mime_type=mime_type)


def _reference(value: object, key: str) -> str:
    """An ActivityStreams link: a URL, a Link object ({"href": ...}) or an object with an id."""
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, list):
        return _reference(value[0], key) if value else ""
    if isinstance(value, dict):
        for inner in ("href", "id"):
            if isinstance(value.get(inner), str):
                return safe_text(value[inner])
    raise SourceError(key, f"expected a URL, found {type(value).__name__}")


def _addressees(note: dict) -> set[str]:
    found = set()
    for key in ("to", "cc"):
        value = note.get(key)
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, list):
            found.update(v for v in value if isinstance(v, str))
    return found


def _is_direct(note: dict, followers: str) -> bool:
    """A direct message is addressed to people only: not the public, not the followers."""
    addressees = _addressees(note)
    if not addressees or addressees & PUBLIC:
        return False
    return not any(a == followers or a.endswith("/followers") for a in addressees)


def _language(content_map: object) -> str:
    if isinstance(content_map, dict) and len(content_map) == 1:
        language = next(iter(content_map))
        return language[:16] if isinstance(language, str) else ""
    return ""


# Saved REST API pages.


def _is_boost(status: dict) -> bool:
    return bool(status.get("reblog"))


def _account_handle(account: dict) -> tuple[str, str]:
    """("@user@host", the host) the same way the archive names its author: the username on
    the host of the account's ActivityPub id."""
    username = str_at(account, "username")
    host = _host(str_at(account, "uri")) or _host(str_at(account, "url"))
    if not host:
        acct = str_at(account, "acct")
        host = acct.partition("@")[2]
    return (f"@{username}@{host}" if host else f"@{username}"), host


def _is_own_account(account: dict, context: ReadContext) -> bool:
    handle, _ = _account_handle(account)
    acct = str_at(account, "acct")
    return context.is_own(
        handle,
        acct if "@" in acct else "",
        str_at(account, "url"),
    )


class _Page:
    """What one page tells about the statuses it holds, to name parents by ActivityPub id."""

    def __init__(
        self,
        statuses: Iterable[object],
        known: Iterable[dict] = (),
        accounts: dict[str, str] | None = None,
    ) -> None:
        self.uris: dict[str, str] = {}
        # Local accounts (numeric id -> ActivityPub id); a reader may share one dict between
        # the pages of an export: there are far fewer accounts than statuses.
        self.local_accounts: dict[str, str] = {} if accounts is None else accounts
        for status in [*known, *statuses]:
            if not isinstance(status, dict):
                continue
            uri, local_id = status.get("uri"), status.get("id")
            if isinstance(uri, str) and isinstance(local_id, str | int):
                self.uris[str(local_id)] = uri
            account = status.get("account")
            if isinstance(account, dict):
                acct, account_uri = account.get("acct"), account.get("uri")
                if isinstance(acct, str) and "@" not in acct and isinstance(account_uri, str):
                    self.local_accounts[str(account.get("id"))] = account_uri.rstrip("/")

    def parent_of(self, status: dict) -> str:
        parent = id_of(status.get("in_reply_to_id"), "in_reply_to_id")
        if not parent:
            return ""
        if parent in self.uris:
            return self.uris[parent]
        account_uri = self.local_accounts.get(
            id_of(status.get("in_reply_to_account_id"), "in_reply_to_account_id")
        )
        return f"{account_uri}/statuses/{parent}" if account_uri else ""


def _status_kind(status: dict, parent_id: str) -> str:
    if status.get("visibility") == "direct":
        return Kind.MESSAGE
    return Kind.REPLY if parent_id or status.get("in_reply_to_id") else Kind.POST


def _status_text(status: dict) -> str:
    content = status.get("content")
    if content is None and isinstance(status.get("text"), str):
        # A deleted status comes back with its source text instead of HTML.
        return safe_text(status["text"].strip())
    return html_to_text(str_at(status, "content"))


def _api_media(attachments: object) -> Iterator[CapturedMedia]:
    if attachments is None:
        return
    if not isinstance(attachments, list):
        raise SourceError("media_attachments", "expected a list")
    for number, attachment in enumerate(attachments):
        if not isinstance(attachment, dict):
            raise SourceError(f"media_attachments[{number}]", "expected an object")
        url = attachment.get("url") or attachment.get("remote_url")
        if not url:
            continue
        if not isinstance(url, str):
            raise SourceError(f"media_attachments[{number}].url", "expected a URL")
        yield CapturedMedia(url=safe_text(url), mime_type=_mime_type(url))


def _status_item(
    status: object, page: _Page, context: ReadContext, thread_id: str = ""
) -> CapturedItem:
    if not isinstance(status, dict):
        raise SourceError("status", f"expected an object, found {type(status).__name__}")
    platform_id = str_at(status, "uri")
    if not platform_id:
        raise SourceError("uri", "missing")
    account = dict_at(status, "account")
    if not account:
        raise SourceError("account", "missing: a status names its account")
    try:
        handle, _ = _account_handle(account)
        author_id = str_at(account, "uri") or str_at(account, "url")
        author_name = str_at(account, "display_name")
        own = _is_own_account(account, context)
    except SourceError as error:
        raise _located("account", error) from None
    parent_id = page.parent_of(status)
    edited = status.get("edited_at")
    return CapturedItem(
        platform_id=platform_id,
        kind=_status_kind(status, parent_id),
        text=_status_text(status),
        created_at=parse_time(status.get("created_at"), "created_at"),
        captured_at=context.captured_at,
        raw=orjson.dumps(status).decode(),
        author_id=author_id,
        author_name=author_name,
        author_handle=handle,
        author_is_organisation=own,
        parent_id=parent_id,
        thread_id=thread_id if thread_id != platform_id else "",
        edited_at=parse_time(edited, "edited_at") if edited else None,
        title=str_at(status, "spoiler_text"),
        language=str_at(status, "language")[:16],
        permalink=str_at(status, "url") or platform_id,
        media=tuple(_api_media(status.get("media_attachments"))),
    )


def _guarded(where: str, build) -> CapturedItem | SourceError:
    try:
        return build()
    except SourceError as error:
        return _located(where, error)
    except _RECOVERABLE as error:
        return _unexpected(where, error)


def items_from_statuses_page(
    page: object,
    context: ReadContext,
    *,
    focal: dict | None = None,
    accounts: dict[str, str] | None = None,
    location: str = "page",
) -> Iterator[CapturedItem | SourceError]:
    """The statuses of one REST page: a status, a list of statuses (an account's statuses, a
    timeline) or a context (`{"ancestors": [...], "descendants": [...]}`, with `focal`, the
    status it was asked for, when known). Boosts are skipped (see the module's docstring).
    `accounts` (local account id -> ActivityPub id) carries what earlier pages showed about
    the server's accounts, to name parents on other pages; it is updated."""
    if isinstance(page, dict) and ("ancestors" in page or "descendants" in page):
        parts = []
        for key in ("ancestors", "descendants"):
            value = page.get(key) or []
            if not isinstance(value, list):
                yield SourceError(f"{location}, {key}", "expected a list of statuses")
                value = []
            parts.append((key, value))
        statuses = [s for _, value in parts for s in value]
        known = [focal] if isinstance(focal, dict) else []
        lookup = _Page(statuses, known, accounts)
        thread_id = _thread_root(parts[0][1], focal)
        for key, value in parts:
            for number, status in enumerate(value):
                if isinstance(status, dict) and _is_boost(status):
                    continue
                yield _guarded(
                    f"{location}, {key}[{number}]",
                    lambda s=status: _status_item(s, lookup, context, thread_id),
                )
        return
    if isinstance(page, dict):
        if not _is_boost(page):
            yield _guarded(
                location, lambda: _status_item(page, _Page([page], (), accounts), context)
            )
        return
    if not isinstance(page, list):
        yield SourceError(location, "expected a status, a list of statuses or a context")
        return
    lookup = _Page(page, (), accounts)
    for number, status in enumerate(page):
        if isinstance(status, dict) and _is_boost(status):
            continue
        yield _guarded(
            f"{location}, item {number}", lambda s=status: _status_item(s, lookup, context)
        )


def _thread_root(ancestors: list, focal: dict | None) -> str:
    """The first status of the thread, when the context reaches it."""
    first = ancestors[0] if ancestors else focal
    if isinstance(first, dict) and not first.get("in_reply_to_id"):
        uri = first.get("uri")
        return uri if isinstance(uri, str) else ""
    return ""


def items_from_history_page(
    edits: object,
    status: dict,
    context: ReadContext,
    *,
    location: str = "history",
) -> Iterator[CapturedItem | SourceError]:
    """The versions of one status from `/api/v1/statuses/:id/history`, oldest first, as
    versions of the status's own record (`status` is the status itself: the history does
    not repeat its id, parent or kind). The last version is the status as it is now."""
    if not isinstance(edits, list):
        yield SourceError(location, "expected a list of versions")
        return
    try:
        current = _status_item(status, _Page([status]), context)
    except SourceError as error:
        yield _located(f"{location}, the status", error)
        return
    except _RECOVERABLE as error:
        yield _unexpected(f"{location}, the status", error)
        return
    versions = []
    for number, edit in enumerate(edits):
        where = f"{location}, version {number}"
        try:
            if not isinstance(edit, dict):
                raise SourceError("version", f"expected an object, found {type(edit).__name__}")
            at = parse_time(edit.get("created_at"), "created_at")
            versions.append((at, number, edit))
        except SourceError as error:
            yield _located(where, error)
    versions.sort(key=lambda version: (version[0], version[1]))
    for position, (at, number, edit) in enumerate(versions):
        yield _guarded(
            f"{location}, version {number}",
            lambda e=edit, t=at, first=position == 0: _version_item(e, t, first, current),
        )


def _version_item(edit: dict, at, first: bool, current: CapturedItem) -> CapturedItem:
    account = edit.get("account")
    handle, author_id, author_name = (
        current.author_handle,
        current.author_id,
        current.author_name,
    )
    if isinstance(account, dict):
        try:
            handle, _ = _account_handle(account)
            author_id = str_at(account, "uri") or str_at(account, "url") or author_id
            author_name = str_at(account, "display_name")
        except SourceError as error:
            raise _located("account", error) from None
    return CapturedItem(
        platform_id=current.platform_id,
        kind=current.kind,
        text=_status_text(edit),
        created_at=current.created_at,
        captured_at=current.captured_at,
        raw=orjson.dumps(edit).decode(),
        author_id=author_id,
        author_name=author_name,
        author_handle=handle,
        author_is_organisation=current.author_is_organisation,
        parent_id=current.parent_id,
        thread_id=current.thread_id,
        edited_at=None if first else at,
        title=str_at(edit, "spoiler_text"),
        language=current.language,
        permalink=current.permalink,
        media=tuple(_api_media(edit.get("media_attachments"))),
    )


@register
class RestApiReader(Reader):
    """Responses of the REST API saved as JSON files: one file, or a folder or zip of them."""

    platform = "mastodon"
    name = "mastodon-api"
    label = "Mastodon API pages"
    label_in_sentence = "Mastodon API pages"
    expects = "saved Mastodon REST responses: statuses lists, a status's context or history"

    def detect(self, bundle: Bundle) -> Found | None:
        try:
            names = sorted(bundle.find("*.json"))
            if not names or bundle.find("outbox.json", "*/outbox.json"):
                return None
            if not any(_looks_like_api(bundle.head(name, 16384)) for name in names[:5]):
                return None
            return Found(
                platform=self.platform,
                format=self.name,
                description="Mastodon API pages",
                counts={"files": len(names)},
                details={"names": names},
            )
        except (BundleError, OSError, KeyError, ValueError, zipfile.BadZipFile):
            return None

    def read(
        self, bundle: Bundle, found: Found, context: ReadContext
    ) -> Iterator[CapturedItem | SourceError]:
        names = found.details["names"]
        # Histories and context pages name their status only in the request (the file name,
        # or the saved request's URL); a first, cheap look at the start of each file finds
        # them and the statuses they need.
        about = {}
        for name in names:
            endpoint, status_id = _endpoint_of(bundle, name)
            if endpoint in ("history", "context"):
                about[name] = (endpoint, status_id)
        statuses = _find_statuses(bundle, names, {i for _, i in about.values() if i})
        # The histories go first (oldest version first), so that the status as it is now,
        # read after them, is their last version and not a new one.
        done, accounts = set(), {}
        for name, (endpoint, status_id) in about.items():
            if endpoint != "history":
                continue
            done.add(name)
            page = _load_page(bundle, name)
            if isinstance(page, SourceError):
                yield page
                continue
            yield from self._history(page, name, statuses.get(status_id), status_id, context)
        for name in names:
            if name in done:
                continue
            page = _load_page(bundle, name)
            if isinstance(page, SourceError):
                yield page
                continue
            body, endpoint = page
            if endpoint == "history":
                status_id = about.get(name, ("", ""))[1] or _id_in_name(name)
                yield from self._history(page, name, statuses.get(status_id), status_id, context)
                continue
            if endpoint == "other":
                yield SourceError(
                    name, "not a status, a list of statuses, a context or an edit history"
                )
                continue
            focal = statuses.get(about.get(name, ("", ""))[1])
            yield from items_from_statuses_page(
                body, context, focal=focal, accounts=accounts, location=name
            )
            boosts = _count_boosts(body)
            if boosts:
                found.counts[BOOSTS] = found.counts.get(BOOSTS, 0) + boosts

    def _history(
        self,
        page: tuple[object, str],
        name: str,
        status: dict | None,
        status_id: str,
        context: ReadContext,
    ) -> Iterator[CapturedItem | SourceError]:
        if page[1] != "history":
            yield SourceError(name, "expected an edit history (a list of versions)")
            return
        if status is None:
            wanted = status_id or "ID"
            yield SourceError(
                name,
                f"the status these versions belong to ({wanted}) is not among the saved "
                f"pages; save GET /api/v1/statuses/{wanted} beside it",
            )
            return
        yield from items_from_history_page(page[0], status, context, location=name)


def _statuses_of(body: object) -> list:
    if isinstance(body, dict) and ("ancestors" in body or "descendants" in body):
        return [
            status
            for key in ("ancestors", "descendants")
            if isinstance(body.get(key), list)
            for status in body[key]
        ]
    return body if isinstance(body, list) else [body]


def _count_boosts(body: object) -> int:
    return sum(1 for s in _statuses_of(body) if isinstance(s, dict) and _is_boost(s))


def _looks_like_api(head: bytes) -> bool:
    return any(marker in head for marker in _API_MARKERS)


_REQUEST = re.compile(rb'"uri"\s*:\s*"[^"]*/statuses/(\d+)/(history|context)"')


def _endpoint_of(bundle: Bundle, name: str) -> tuple[str, str]:
    """("history" or "context", the status id) from the start of a file: the saved request
    of the samples' wrapper, or the file name ("110446983926957470-history.json")."""
    try:
        head = bundle.head(name, 4096)
    except (OSError, KeyError, zipfile.BadZipFile, EOFError):
        return "", ""
    if b'"_source"' in head:
        request = _REQUEST.search(head)
        if request:
            return request.group(2).decode(), request.group(1).decode()
    base = name.rsplit("/", 1)[-1].lower()
    for endpoint in ("history", "context"):
        if endpoint in base:
            return endpoint, _id_in_name(name)
    if b'"ancestors"' in head or b'"descendants"' in head:
        return "context", _id_in_name(name)
    return "", ""


def _id_in_name(name: str) -> str:
    numbers = _STATUS_ID_IN_NAME.findall(name.rsplit("/", 1)[-1])
    return numbers[-1] if numbers else ""


def _load_page(bundle: Bundle, name: str) -> tuple[object, str] | SourceError:
    """The page's JSON (unwrapped from {"_source": ..., "body": ...} when saved that way) and
    what it is: "history", "context", "statuses" or "other"."""
    try:
        data = bundle.read_bytes(name, limit=_PAGE_LIMIT)
    except BundleError as error:
        return SourceError(name, str(error))
    except (OSError, KeyError, zipfile.BadZipFile, EOFError) as error:
        return SourceError(name, f"cannot be read ({error})")
    try:
        page = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as decode_error:
            return SourceError(name, f"not UTF-8 text (byte {decode_error.start})")
        return SourceError(name, f"not valid JSON, or cut short ({str(error)[:120]})")
    if isinstance(page, dict) and "body" in page and "_source" in page:
        page = page["body"]
    if isinstance(page, dict) and ("ancestors" in page or "descendants" in page):
        return page, "context"
    if isinstance(page, list):
        first = next((s for s in page if isinstance(s, dict)), None)
        if first is not None and "uri" not in first and "id" not in first and "content" in first:
            return page, "history"
        return page, "statuses"
    if isinstance(page, dict) and "uri" in page and ("content" in page or "text" in page):
        return page, "statuses"
    return page, "other"


def _find_statuses(bundle: Bundle, names: list[str], wanted: set[str]) -> dict[str, dict]:
    """The statuses with the given numeric ids, from any page of the bundle."""
    found: dict[str, dict] = {}
    if not wanted:
        return found
    for name in names:
        page = _load_page(bundle, name)
        if isinstance(page, SourceError) or page[1] not in ("statuses", "context"):
            continue
        for status in _statuses_of(page[0]):
            if isinstance(status, dict) and str(status.get("id")) in wanted:
                found.setdefault(str(status["id"]), status)
        if len(found) == len(wanted):
            break
    return found


READERS = module_readers(__name__)
