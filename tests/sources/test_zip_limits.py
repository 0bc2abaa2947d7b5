"""Zip limits come from the settings, are checked before anything is unpacked, and are
enforced again while the bytes come out: a zip that lies about its sizes is stopped."""

import struct
import zipfile

import pytest

from torget.sources.bundle import BundleError, DamagedFile, Limits, ZipBundle, open_bundle

MB = 1024**2


def _zip(path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_the_default_limits_are_settings(settings):
    assert Limits.from_settings() == Limits(
        unpacked_bytes=settings.TORGET_IMPORT_MAX_UNPACKED_BYTES,
        members=settings.TORGET_IMPORT_MAX_FILES,
        ratio=settings.TORGET_IMPORT_MAX_RATIO,
    )
    assert settings.TORGET_IMPORT_MAX_UNPACKED_BYTES <= 64 * 1024**3


def test_more_unpacked_bytes_than_the_setting_allows_is_refused(tmp_path, settings):
    settings.TORGET_IMPORT_MAX_UNPACKED_BYTES = 2 * MB
    archive = _zip(
        tmp_path / "big.zip",
        {f"media/{i}.jpg": bytes(range(256)) * 4096 for i in range(3)},  # 3 × 1 MB
        compression=zipfile.ZIP_STORED,
    )
    with pytest.raises(BundleError, match="more than the limit of 2,097,152") as refused:
        open_bundle(archive)
    assert "TORGET_IMPORT_MAX_UNPACKED_GB" in str(refused.value)


def test_more_files_than_the_setting_allows_is_refused(tmp_path, settings):
    settings.TORGET_IMPORT_MAX_FILES = 10
    archive = _zip(tmp_path / "many.zip", {f"{i}.txt": b"x" for i in range(11)})
    with pytest.raises(BundleError, match="11 files, more than the limit of 10"):
        open_bundle(archive)


def test_the_declared_member_count_is_checked_before_the_directory_is_read(tmp_path, monkeypatch):
    """The end record's count alone refuses the zip: zipfile never parses the directory."""
    archive = _zip(tmp_path / "many.zip", {f"{i}.txt": b"x" for i in range(20)})

    def never(*args, **kwargs):
        raise AssertionError("the directory was read")

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", never)
    with pytest.raises(BundleError, match="20 files, more than the limit of 5"):
        ZipBundle(archive, Limits(unpacked_bytes=MB, members=5, ratio=200))


def test_a_ratio_above_the_setting_is_refused(tmp_path, settings):
    settings.TORGET_IMPORT_MAX_RATIO = 50
    archive = _zip(tmp_path / "zeros.zip", {"data/posts.json": b"\0" * (12 * MB)})
    with pytest.raises(BundleError, match="more than 50 times as much"):
        open_bundle(archive)


def _patch_sizes(path, *, file_size: int | None = None, compress_size: int | None = None):
    """Rewrite the sizes a zip declares for its one member, in both headers."""
    data = bytearray(path.read_bytes())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    for offset, compressed_at, size_at in ((local, 18, 22), (central, 20, 24)):
        if compress_size is not None:
            struct.pack_into("<I", data, offset + compressed_at, compress_size)
        if file_size is not None:
            struct.pack_into("<I", data, offset + size_at, file_size)
    path.write_bytes(bytes(data))


def test_a_zip_that_understates_a_size_gives_no_more_than_it_declared(tmp_path):
    archive = _zip(tmp_path / "liar.zip", {"data/posts.json": b"\0" * (20 * MB)})
    _patch_sizes(archive, file_size=1000)  # passes every declared check
    with open_bundle(archive) as bundle, bundle.open("data/posts.json") as stream:
        got = 0
        with pytest.raises(DamagedFile, match=r"data/posts\.json"):
            while chunk := stream.read(64 * 1024):
                got += len(chunk)
    assert got <= 1000


def test_a_zip_that_claims_more_compressed_bytes_than_it_holds_is_refused(tmp_path):
    """A 20 MB member of zeros compresses to 20 kB; declaring 20 MB compressed would hide
    the ratio. The file is far smaller than that: refused."""
    archive = _zip(tmp_path / "liar.zip", {"data/posts.json": b"\0" * (20 * MB)})
    _patch_sizes(archive, compress_size=20 * MB)
    with pytest.raises(BundleError, match="more compressed bytes than the zip holds"):
        open_bundle(archive)


def test_bytes_are_counted_as_they_are_read_across_the_whole_zip(tmp_path):
    """Reading the same 1 MB file again and again passes three times the unpacked limit:
    the zip is stopped, with a plain message, whatever its directory said."""
    archive = _zip(tmp_path / "again.zip", {"data/posts.json": bytes(range(256)) * 4096})
    limits = Limits(unpacked_bytes=2 * MB, members=10, ratio=200)
    with ZipBundle(archive, limits) as bundle:
        for _ in range(6):
            assert len(bundle.read_bytes("data/posts.json")) == MB
        with pytest.raises(DamagedFile, match="has unpacked more than 3 × 2,097,152 bytes"):
            bundle.read_bytes("data/posts.json")
