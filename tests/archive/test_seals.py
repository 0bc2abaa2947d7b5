"""Sealed chain heads: signed with a key outside the database (rotated keys keep verifying),
time-stamped by a real RFC 3161 authority (OpenSSL's `ts -reply` behind a small HTTP server,
with a CA and a time-stamping certificate made here), put into every snapshot package and
checked offline with only the public key and the package."""

import datetime
import http.server
import io
import os
import shutil
import subprocess
import threading
from pathlib import Path

import orjson
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import captured, channel_in, ingest
from torget.archive import seals
from torget.archive.models import IntegrityEntry, Seal
from torget.preservation.package import Period, build_package

OPENSSL = shutil.which("openssl")


@pytest.fixture
def data_dir(settings, tmp_path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.SEAL_DIR = settings.DATA_DIR / "seals"
    return settings.DATA_DIR


@pytest.fixture
def channel(world, data_dir):
    channel = channel_in(world, "active")
    ingest(
        channel,
        [
            captured("post", "Nytt om biblioteket", kind="post", author_is_organisation=True),
            captured("c1", "När öppnar ni?", parent_id="post"),
        ],
    )
    return channel


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(subject, issuer, key, signer, *, ca: bool, eku=None) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
    else:
        builder = builder.add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), True
        )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return builder.sign(signer, hashes.SHA256())


@pytest.fixture
def tsa(tmp_path):
    """A real time-stamping authority: OpenSSL signs each request; its CA certificate."""
    if OPENSSL is None:
        pytest.fail("openssl is needed for the time-stamping tests (apt-get install openssl)")
    folder = tmp_path / "tsa"
    folder.mkdir()
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(_name("Test CA"), _name("Test CA"), ca_key, ca_key, ca=True)
    tsa_key = ec.generate_private_key(ec.SECP256R1())
    tsa_cert = _certificate(
        _name("Test TSA"),
        _name("Test CA"),
        tsa_key,
        ca_key,
        ca=False,
        eku=[ExtendedKeyUsageOID.TIME_STAMPING],
    )
    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    (folder / "tsa.pem").write_bytes(tsa_cert.public_bytes(pem))
    (folder / "tsa.key").write_bytes(
        tsa_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (folder / "serial").write_text("01\n")
    (folder / "tsa.cnf").write_text(
        f"""[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {folder}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""
    )
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                (folder / "query.tsq").write_bytes(body)
                subprocess.run(
                    [
                        OPENSSL,
                        "ts",
                        "-reply",
                        "-config",
                        str(folder / "tsa.cnf"),
                        "-queryfile",
                        str(folder / "query.tsq"),
                        "-out",
                        str(folder / "reply.tsr"),
                    ],
                    check=True,
                    capture_output=True,
                )
                reply = (folder / "reply.tsr").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", folder / "ca.pem"
    server.shutdown()


def test_the_key_is_made_once_readable_by_its_owner_only(data_dir):
    kid, _key = seals.signing_key()
    files = list((data_dir / "seals" / "keys").glob("*.pem"))
    assert len(files) == 1 and kid in files[0].name
    assert files[0].stat().st_mode & 0o777 == 0o600
    assert seals.signing_key()[0] == kid  # not made again
    files[0].chmod(0o644)
    with pytest.raises(seals.SealError, match="chmod 600"):
        seals.signing_key()


def test_heads_are_sealed_when_they_move_and_a_rotated_key_keeps_verifying(channel, data_dir):
    first = seals.seal_heads()
    assert {s["kind"] for s in first} == {"channel", "audit"}
    assert seals.seal_heads() == []  # nothing moved
    old_kid = first[0]["key_id"]
    new_kid = seals.new_key()
    ingest(channel, [captured("c2", "Tack!", parent_id="post")])
    second = seals.seal_heads()
    assert [s["key_id"] for s in second if s["kind"] == "channel"] == [new_kid]
    assert old_kid != new_kid
    lines = seals.log_path().read_bytes().splitlines()
    assert len(lines) == len(first) + len(second)
    assert Seal.objects.count() == len(lines)
    out = io.StringIO()
    call_command("verify", stdout=out)
    assert "no problems" in out.getvalue()
    # Only the old public key given: the new seals are named as signed by an unknown key.
    public = data_dir / "old.pub"
    public.write_bytes((data_dir / "seals" / "public" / f"{old_kid}.pub").read_bytes())
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify", "--public-key", str(public), stdout=out)
    assert f"signed with an unknown key '{new_kid}'" in out.getvalue()


def test_the_key_may_come_from_a_variable(channel, data_dir, monkeypatch):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    monkeypatch.setenv("TORGET_SEAL_KEY", pem)
    made = seals.seal_heads()
    assert {s["key_id"] for s in made} == {seals.key_id(key.public_key())}
    assert not (data_dir / "seals" / "keys").exists()  # no key file made


def test_a_real_time_stamping_authority_stamps_the_seals(channel, data_dir, tsa, settings):
    url, ca = tsa
    settings.TSA_URL = url
    made = seals.seal_heads()
    assert made and all("timestamp" in s for s in made)
    keys = seals.known_public_keys()
    checked = seals.check_seal(made[0], keys, tsa_ca=ca.read_bytes())
    assert checked.ok, checked.problem
    assert checked.stamped_at.startswith(str(datetime.datetime.now(datetime.UTC).year))
    # A time-stamp of another seal does not fit this one.
    other = {**made[0], "timestamp": made[1]["timestamp"]}
    assert not seals.check_seal(other, keys, tsa_ca=ca.read_bytes()).ok
    # Another CA did not sign it.
    stranger = ec.generate_private_key(ec.SECP256R1())
    strange_ca = _certificate(_name("Other"), _name("Other"), stranger, stranger, ca=True)
    result = seals.check_seal(
        made[0], keys, tsa_ca=strange_ca.public_bytes(serialization.Encoding.PEM)
    )
    assert not result.ok and "signature" in result.problem


def test_an_unreachable_authority_is_said_plainly(channel, data_dir, settings):
    settings.TSA_URL = "http://127.0.0.1:9/"
    with pytest.raises(seals.SealError, match="did not answer"):
        seals.seal_heads()


def test_a_snapshot_carries_its_seals_and_they_verify_offline(channel, data_dir, tsa, settings):
    url, ca = tsa
    settings.TSA_URL = url
    built = build_package(channel, Period.parse("2025H1"), data_dir / "out")
    data = built.sip_root / "representations" / "rep-records" / "data"
    lines = (data / "seals.jsonl").read_bytes().splitlines()
    assert len(lines) == 1
    seal = orjson.loads(lines[0])
    head = IntegrityEntry.objects.filter(channel=channel).order_by("-seq").first()
    assert (seal["seq"], seal["head"]) == (head.seq, head.entry_hash)
    mets = (built.sip_root / "representations" / "rep-records" / "METS.xml").read_text()
    assert "data/seals.jsonl" in mets
    premis = (built.sip_root / "metadata" / "preservation" / "premis.xml").read_text()
    assert "digital signature generation" in premis and seal["head"] in premis
    public = data / "seal-keys" / f"seal-key-{seal['key_id']}.pem"
    assert public.exists()
    key = data_dir / "key.pub"
    key.write_bytes(public.read_bytes())
    # Offline: no database, only the package and the public key.
    out = io.StringIO()
    call_command(
        "verify-seal",
        str(built.sip_root),
        "--public-key",
        str(key),
        "--tsa-ca",
        str(ca),
        stdout=out,
    )
    assert "OK: 1 seal(s) verified, 1 sealed head(s) found in the package's chain." in (
        out.getvalue()
    )
    # A chain entry in the package changed: its hash and the seal both name it.
    chain = data / "chain.jsonl"
    entries = [orjson.loads(x) for x in chain.read_bytes().splitlines()]
    entries[-1]["entry_hash"] = "f" * 64
    chain.write_bytes(b"\n".join(orjson.dumps(e) for e in entries) + b"\n")
    out = io.StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command("verify-seal", str(built.sip_root), "--public-key", str(key), stdout=out)
    assert f"the package's chain entry {head.seq}: expected {head.entry_hash}" in out.getvalue()
    # Another key: the seal is not vouched for.
    other = data_dir / "other.pub"
    other.write_bytes(
        seals.public_pem(
            __import__("cryptography.hazmat.primitives.asymmetric.ed25519", fromlist=["x"])
            .Ed25519PrivateKey.generate()
            .public_key()
        )
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify-seal", str(built.sip_root), "--public-key", str(other), stdout=out)
    assert "unknown key" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_alarm_clock_seals_what_moved(channel, data_dir):
    out = io.StringIO()
    call_command("alarms", stdout=out)
    assert "Chain heads sealed: 2." in out.getvalue()
    assert os.path.getsize(seals.log_path()) > 0
