"""Sealed chain heads: each channel's chain head and the audit log's, signed with an Ed25519
key that is not in the database, time-stamped by an RFC 3161 authority where one is set up,
and appended to a log on disk, so that a rewrite of the database cannot go unnoticed
(docs/integrity.md).

Keys: TORGET_SEAL_KEY (a PEM private key, or the base64 of its 32 raw bytes) signs when it is
set; otherwise the newest key file in SEAL_DIR/keys/ (SEAL_DIR is DATA_DIR/seals unless
TORGET_SEAL_DIR says otherwise; made once, mode 0600) does.
Every key's public half is kept in SEAL_DIR/public/<key id>.pub, so that seals made by
a rotated key keep verifying; TORGET_SEAL_KEY_* variables hold older private keys.
A time-stamping authority is TORGET_TSA_URL (and TORGET_TSA_CA, its CA certificate, to check
its answers).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .chain import utc_stamp
from .models import IntegrityEntry, Seal, SealKind

DOMAIN = b"torget-seal-v1\n"
LOG_NAME = "sealed-heads.jsonl"
TSA_TIMEOUT = 20


class SealError(Exception):
    """A seal cannot be made or read: said plainly."""


def seal_dir() -> Path:
    return Path(getattr(settings, "SEAL_DIR", None) or Path(settings.DATA_DIR) / "seals")


def log_path() -> Path:
    return seal_dir() / LOG_NAME


# --- keys -------------------------------------------------------------------------------------


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _private_from_text(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except ValueError as error:
        raise SealError(f"The seal key is not an Ed25519 private key: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SealError("The seal key is not an Ed25519 private key.")
    return key


def load_public_key(data: bytes) -> Ed25519PublicKey:
    """A public key from PEM (or the base64 of its 32 raw bytes)."""
    text = data.strip()
    try:
        if text.startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(text)
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except ValueError as error:
        raise SealError(f"Not an Ed25519 public key: {error}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SealError("Not an Ed25519 public key.")
    return key


def _key_files() -> list[Path]:
    folder = seal_dir() / "keys"
    return sorted(folder.glob("*.pem")) if folder.is_dir() else []


def _remember_public(key: Ed25519PrivateKey) -> str:
    public = key.public_key()
    kid = key_id(public)
    folder = seal_dir() / "public"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kid}.pub"
    if not path.exists():
        path.write_bytes(public_pem(public))
    return kid


def new_key() -> str:
    """Make a new signing key file (mode 0600); from now on it signs. Returns its key id."""
    folder = seal_dir() / "keys"
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    key = Ed25519PrivateKey.generate()
    kid = key_id(key.public_key())
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{kid}.pem"
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    _remember_public(key)
    return kid


def signing_key() -> tuple[str, Ed25519PrivateKey]:
    """The key that signs now: TORGET_SEAL_KEY, or the newest key file (made if none)."""
    text = os.environ.get("TORGET_SEAL_KEY", "")
    if text:
        key = _private_from_text(text)
    else:
        files = _key_files()
        if not files:
            new_key()
            files = _key_files()
        path = files[-1]
        if path.stat().st_mode & 0o077:
            raise SealError(
                f"The seal key {path} can be read by others: make it readable by its owner "
                f"only (chmod 600)."
            )
        key = _private_from_text(path.read_text())
    return _remember_public(key), key


def known_public_keys() -> dict[str, Ed25519PublicKey]:
    """Every public key this installation has signed with, by key id."""
    keys: dict[str, Ed25519PublicKey] = {}
    for name, value in os.environ.items():
        if name.startswith("TORGET_SEAL_KEY") and value:
            public = _private_from_text(value).public_key()
            keys[key_id(public)] = public
    for path in _key_files():
        public = _private_from_text(path.read_text()).public_key()
        keys[key_id(public)] = public
    folder = seal_dir() / "public"
    if folder.is_dir():
        for path in sorted(folder.glob("*.pub")):
            public = load_public_key(path.read_bytes())
            keys[key_id(public)] = public
    return keys


# --- time-stamping (RFC 3161) -----------------------------------------------------------------


def timestamp(message: bytes, *, url: str) -> bytes:
    """A time-stamp response (DER) from the authority at `url` over SHA-256(message)."""
    from rfc3161_client import (
        HashAlgorithm,
        PKIStatus,
        TimestampRequestBuilder,
        decode_timestamp_response,
    )

    request = (
        TimestampRequestBuilder()
        .data(message)
        .hash_algorithm(HashAlgorithm.SHA256)
        .cert_request(cert_request=True)
        .build()
    )
    try:
        response = httpx.post(
            url,
            content=request.as_bytes(),
            headers={"Content-Type": "application/timestamp-query"},
            timeout=TSA_TIMEOUT,
        )
        response.raise_for_status()
    except httpx.HTTPError as error:
        raise SealError(f"The time-stamping authority {url} did not answer: {error}") from None
    try:
        decoded = decode_timestamp_response(response.content)
    except ValueError as error:
        raise SealError(f"The time-stamping authority's answer is not valid: {error}") from None
    if decoded.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        raise SealError(f"The time-stamping authority refused: {decoded.status_string}")
    if decoded.tst_info.message_imprint.message != hashlib.sha256(message).digest():
        raise SealError("The time-stamping authority stamped something else.")
    if decoded.tst_info.nonce != request.nonce:
        raise SealError("The time-stamping authority's answer is for another request.")
    return response.content


def check_timestamp(token: bytes, message: bytes, *, ca_pem: bytes | None) -> tuple[bool, str]:
    """Whether a time-stamp response covers `message` (and, given the authority's CA
    certificate, is signed by it); and the time it states."""
    from rfc3161_client import VerificationError, VerifierBuilder, decode_timestamp_response

    try:
        decoded = decode_timestamp_response(token)
    except ValueError as error:
        return False, f"not a time-stamp response ({error})"
    stamped = decoded.tst_info.gen_time.isoformat()
    if decoded.tst_info.message_imprint.message != hashlib.sha256(message).digest():
        return False, "the time-stamp is for another seal"
    if ca_pem is None:
        return True, stamped
    try:
        ca = x509.load_pem_x509_certificate(ca_pem)
        VerifierBuilder().add_root_certificate(ca).build().verify_message(decoded, message)
    except (VerificationError, ValueError) as error:
        return False, f"the time-stamp's signature does not check out ({error})"
    return True, stamped


# --- seals ------------------------------------------------------------------------------------


def _message(body: dict) -> bytes:
    return DOMAIN + orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def make_seal(*, kind: str, seq: int, head: str, channel=None, at=None) -> dict:
    """A signed statement that a chain's entry `seq` has hash `head` (time-stamped when an
    authority is configured)."""
    kid, key = signing_key()
    body = {
        "v": 1,
        "kind": kind,
        "seq": seq,
        "head": head,
        "sealed_at": utc_stamp(at or timezone.now()),
        "key_id": kid,
    }
    if channel is not None:
        body.update(
            organisation=channel.organisation.slug, channel=channel.slug, channel_id=channel.pk
        )
    signature = key.sign(_message(body))
    seal = {**body, "signature": base64.b64encode(signature).decode()}
    url = getattr(settings, "TSA_URL", "")
    if url:
        token = timestamp(_message(body) + signature, url=url)
        seal["timestamp"] = base64.b64encode(token).decode()
    return seal


def _append_log(lines: list[bytes]) -> None:
    if not lines:
        return
    folder = seal_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with open(log_path(), "ab") as handle:
        handle.write(b"".join(lines))
        handle.flush()
        os.fsync(handle.fileno())


def _line(seal: dict) -> bytes:
    return orjson.dumps(seal, option=orjson.OPT_SORT_KEYS) + b"\n"


def seal_heads(*, force: bool = False, channels: Iterable | None = None) -> list[dict]:
    """Seal every chain head (each channel's and the audit log's) that changed since its last
    seal (every head when `force`). The log on disk is written first: it is what counts."""
    from torget.channels.models import Channel
    from torget.organisations import auditchain

    if channels is None:
        channels = Channel.objects.select_related("organisation").order_by("pk")
    now = timezone.now()
    made: list[tuple[dict, object]] = []
    for channel in channels:
        last = (
            IntegrityEntry.objects.filter(channel=channel)
            .order_by("-seq")
            .values_list("seq", "entry_hash")
            .first()
        )
        if last is None:
            continue
        if (
            not force
            and Seal.objects.filter(
                kind=SealKind.CHANNEL, channel=channel, seq=last[0], head=last[1]
            ).exists()
        ):
            continue
        made.append(
            (
                make_seal(
                    kind=SealKind.CHANNEL, seq=last[0], head=last[1], channel=channel, at=now
                ),
                channel,
            )
        )
    seq, head = auditchain.head()
    if seq and (force or not Seal.objects.filter(kind=SealKind.AUDIT, seq=seq, head=head).exists()):
        made.append((make_seal(kind=SealKind.AUDIT, seq=seq, head=head, at=now), None))
    _append_log([_line(seal) for seal, _channel in made])
    with transaction.atomic():
        Seal.objects.bulk_create(
            [
                Seal(
                    kind=seal["kind"],
                    channel=channel,
                    seq=seal["seq"],
                    head=seal["head"],
                    sealed_at=now,
                    key_id=seal["key_id"],
                    line=_line(seal).decode().strip(),
                    timestamped="timestamp" in seal,
                )
                for seal, channel in made
            ]
        )
    return [seal for seal, _channel in made]


def read_seals(path: Path) -> Iterator[tuple[int, dict | None, str]]:
    """(line number, seal, problem) for each line of a seal log."""
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                seal = orjson.loads(line)
            except orjson.JSONDecodeError:
                yield number, None, "not valid JSON"
                continue
            if not isinstance(seal, dict) or not {"kind", "seq", "head", "key_id"} <= set(seal):
                yield number, None, "not a seal"
                continue
            yield number, seal, ""


@dataclass(frozen=True)
class SealCheck:
    ok: bool
    problem: str = ""
    stamped_at: str = ""


def check_seal(
    seal: dict, keys: dict[str, Ed25519PublicKey], *, tsa_ca: bytes | None = None
) -> SealCheck:
    """Whether a seal is signed by one of `keys` (and its time-stamp, if any, holds)."""
    body = {k: v for k, v in seal.items() if k not in ("signature", "timestamp")}
    public = keys.get(seal.get("key_id", ""))
    if public is None:
        return SealCheck(False, f"signed with an unknown key {seal.get('key_id')!r}")
    try:
        signature = base64.b64decode(seal.get("signature", ""), validate=True)
        public.verify(signature, _message(body))
    except (InvalidSignature, ValueError):
        return SealCheck(False, "the signature does not match (the seal was changed)")
    stamped = ""
    if "timestamp" in seal:
        try:
            token = base64.b64decode(seal["timestamp"], validate=True)
        except ValueError:
            return SealCheck(False, "the time-stamp is not base64")
        ok, stamped = check_timestamp(token, _message(body) + signature, ca_pem=tsa_ca)
        if not ok:
            return SealCheck(False, stamped)
    return SealCheck(True, "", stamped)


def latest_seals(channel_ids: Iterable[int]) -> dict[int, Seal]:
    """The latest seal of each of these channels, from the database's copy: for display."""
    from django.db.models import Max

    newest = (
        Seal.objects.filter(kind=SealKind.CHANNEL, channel_id__in=list(channel_ids))
        .values("channel_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    return {seal.channel_id: seal for seal in Seal.objects.filter(id__in=list(newest))}


# --- offline checking (`torget verify-seal`) ----------------------------------------------------


@dataclass
class OfflineReport:
    lines: list[str]
    problems: int = 0
    seals: int = 0
    matched: int = 0


def _find(folder: Path, name: str) -> list[Path]:
    return sorted(p for p in folder.rglob(name) if p.is_file())


def check_seal_files(
    path: Path, public_keys: list[bytes], *, tsa_ca: bytes | None = None
) -> OfflineReport:
    """Check the seals of a snapshot package (or a seal log) with only the given public keys:
    each signature and time-stamp, each chain entry the package holds (its hash recomputed),
    and each sealed head against the package's chain entry at that place."""
    from .chain import chain_hash

    keys = {}
    for data in public_keys:
        key = load_public_key(data)
        keys[key_id(key)] = key
    if path.is_dir():
        seal_files = _find(path, "seals.jsonl")
        chain_files = _find(path, "chain.jsonl")
        if not seal_files:
            raise SealError(f"{path} holds no seals.jsonl: not a Torget snapshot with seals.")
    else:
        seal_files, chain_files = [path], []
    report = OfflineReport(lines=[])

    def bad(text: str) -> None:
        report.problems += 1
        report.lines.append(f"BROKEN {text}")

    entries: dict[int, str] = {}
    for chain_file in chain_files:
        with open(chain_file, "rb") as handle:
            for number, line in enumerate(handle, 1):
                try:
                    entry = orjson.loads(line)
                    at = datetime.datetime.fromisoformat(entry["at"])
                    actual = chain_hash(
                        entry["prev_hash"],
                        entry["version_sha256"],
                        entry["seq"],
                        entry["event"],
                        entry["platform_id"],
                        at,
                        form=entry.get("form") or 1,
                        state=entry.get("state") or "",
                    )
                except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                    bad(f"{chain_file.name} line {number}: not a chain entry")
                    continue
                if actual != entry["entry_hash"]:
                    bad(
                        f"{chain_file.name} entry {entry['seq']}: hash: expected {actual}, "
                        f"found {entry['entry_hash']}"
                    )
                entries[int(entry["seq"])] = entry["entry_hash"]
    heads: dict[tuple, dict[int, str]] = {}
    for seal_file in seal_files:
        for number, seal, trouble in read_seals(seal_file):
            where = f"{seal_file.name} line {number}"
            if seal is None:
                bad(f"{where}: {trouble}")
                continue
            report.seals += 1
            checked = check_seal(seal, keys, tsa_ca=tsa_ca)
            if not checked.ok:
                bad(f"{where}: {checked.problem}")
                continue
            scope = (seal["kind"], seal.get("channel_id"))
            seq, head = int(seal["seq"]), seal["head"]
            earlier = heads.setdefault(scope, {})
            if earlier.get(seq, head) != head:
                bad(f"{where}: two seals of entry {seq} with different hashes")
            earlier[seq] = head
            stamp = f", time-stamped {checked.stamped_at}" if checked.stamped_at else ""
            report.lines.append(
                f"SEALED {seal.get('organisation', '')}/{seal.get('channel', seal['kind'])} "
                f"entry {seq} = {head} on {seal.get('sealed_at')} by key {seal['key_id']}{stamp}"
            )
            if seal["kind"] == "channel" and seq in entries:
                if entries[seq] != head:
                    bad(
                        f"{where}: the package's chain entry {seq}: expected {head}, "
                        f"found {entries[seq]}"
                    )
                else:
                    report.matched += 1
    return report
