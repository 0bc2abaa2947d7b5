"""What every platform reader stands on: bundles, times, text cleaning, account names."""

import datetime
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from torget.sources.base import SourceError
from torget.sources.bundle import BundleError, open_bundle
from torget.sources.clean import html_to_text, repair_mojibake, safe_text
from torget.sources.formats import json_array_items, normalise_account
from torget.sources.times import from_epoch, parse_time

UTC = datetime.UTC


# Bundles.


def test_a_zip_a_folder_and_a_file_show_the_same_names_and_bytes(tmp_path):
    folder = tmp_path / "export"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "tweets.js").write_bytes(b"window.YTD.tweets.part0 = []")
    (folder / "manifest.js").write_bytes(b"window.__THAR_CONFIG = {}")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("data/", "")
        zf.writestr("data/tweets.js", b"window.YTD.tweets.part0 = []")
        zf.writestr("manifest.js", b"window.__THAR_CONFIG = {}")
    for path in (folder, archive):
        with open_bundle(path) as bundle:
            assert sorted(bundle.names()) == ["data/tweets.js", "manifest.js"]
            assert bundle.find("*tweets.js") == ["data/tweets.js"]
            assert bundle.first("*.js") == "manifest.js"
            assert bundle.read_bytes("data/tweets.js").endswith(b"= []")
            assert bundle.local_path("manifest.js").read_bytes().startswith(b"window")
    with open_bundle(folder / "manifest.js") as single:
        assert single.names() == ["manifest.js"] and single.size("manifest.js") == 25


def test_media_unpacked_from_a_zip_are_cleaned_up(tmp_path):
    archive = tmp_path / "media.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(300):
            zf.writestr(f"media/{i}.jpg", b"\xff\xd8" + bytes([i % 256]))
    with open_bundle(archive) as bundle:
        paths = [bundle.local_path(f"media/{i}.jpg") for i in range(300)]
        assert paths[-1].read_bytes() == b"\xff\xd8" + bytes([299 % 256])
        assert not paths[0].exists(), "old unpacked files are removed as the import goes on"
        folder = paths[-1].parent
    assert not folder.exists(), "closing the bundle removes what it unpacked"


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        ("../outside.txt", "points outside the export"),
        ("data/../../etc/passwd", "points outside the export"),
        ("/etc/passwd", "absolute path"),
        ("C:/Windows/win.ini", "absolute path"),
    ],
)
def test_a_zip_with_a_name_outside_the_export_is_refused(tmp_path, member, reason):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("data/tweets.js", b"[]")
        zf.writestr(member, b"gotcha")
    with pytest.raises(BundleError, match=reason):
        open_bundle(archive)
    assert not (tmp_path / "outside.txt").exists()


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data/tweets.js", b"\0" * (40 * 1024 * 1024))
    assert archive.stat().st_size < 200_000
    with pytest.raises(BundleError, match="zip bomb"):
        open_bundle(archive)


def test_an_unreadable_zip_or_a_missing_path_gives_a_plain_message(tmp_path):
    broken = tmp_path / "cut.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\0" * 40)
    with pytest.raises(BundleError, match="not a readable zip file"):
        open_bundle(broken)
    with pytest.raises(BundleError, match="No such file or folder"):
        open_bundle(tmp_path / "nothing-here")


def test_a_folder_never_serves_a_file_outside_itself(tmp_path):
    (tmp_path / "export").mkdir()
    (tmp_path / "secret.txt").write_text("no")
    with open_bundle(tmp_path / "export") as bundle, pytest.raises(KeyError):
        bundle.open("../secret.txt")


# Times.


@pytest.mark.parametrize(
    ("written", "instant"),
    [
        ("2021-07-13T06:59:44+0000", datetime.datetime(2021, 7, 13, 6, 59, 44, tzinfo=UTC)),
        ("Sun Oct 07 07:39:51 +0000 2012", datetime.datetime(2012, 10, 7, 7, 39, 51, tzinfo=UTC)),
        ("2022-10-24T12:00:00.000Z", datetime.datetime(2022, 10, 24, 12, tzinfo=UTC)),
        ("2024-06-21T23:30:00+02:00", datetime.datetime(2024, 6, 21, 21, 30, tzinfo=UTC)),
        ("2024-06-21T23:30:00-05:00", datetime.datetime(2024, 6, 22, 4, 30, tzinfo=UTC)),
        ("2024-03-05 10:11:12", datetime.datetime(2024, 3, 5, 10, 11, 12, tzinfo=UTC)),
        ("Tue, 10 Jun 2003 04:00:00 GMT", datetime.datetime(2003, 6, 10, 4, tzinfo=UTC)),
        ("Tue, 10 Jun 2003 06:00:00 +0200", datetime.datetime(2003, 6, 10, 4, tzinfo=UTC)),
        (1350000000, datetime.datetime(2012, 10, 12, tzinfo=UTC)),
        ("1350000000", datetime.datetime(2012, 10, 12, tzinfo=UTC)),
        (1350000000123, datetime.datetime(2012, 10, 12, 0, 0, 0, 123000, tzinfo=UTC)),
        ("2017/06/08 08:15:44 UTC", datetime.datetime(2017, 6, 8, 8, 15, 44, tzinfo=UTC)),
        ("2025-03-02 09:00:00 UTC", datetime.datetime(2025, 3, 2, 9, tzinfo=UTC)),
        ("2024-03-01T08:00:00.000Z", datetime.datetime(2024, 3, 1, 8, tzinfo=UTC)),
    ],
)
def test_every_written_form_ends_as_aware_utc(written, instant):
    parsed = parse_time(written, "created_at")
    assert parsed == instant and parsed.tzinfo is UTC


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        (None, "missing"),
        ("", "missing"),
        ("yesterday", "not a date and time"),
        ("2024-13-45T10:00:00Z", "not a date and time"),
        (True, "expected a date and time"),
        ([2024], "expected a date and time"),
        ("9" * 80, "not a date and time"),
    ],
)
def test_an_unusable_time_names_the_key_and_the_reason(written, reason):
    with pytest.raises(SourceError, match=reason) as caught:
        parse_time(written, "created_at")
    assert caught.value.location == "created_at"


def test_an_epoch_out_of_range_is_an_error_not_a_crash():
    with pytest.raises(SourceError, match="out of range"):
        from_epoch(10**30, "timestamp")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), st.integers(), st.floats(), st.none(), st.booleans()))
def test_parse_time_gives_utc_or_a_source_error_for_anything(value):
    try:
        parsed = parse_time(value, "t")
    except SourceError as error:
        assert error.location == "t"
    else:
        assert parsed.utcoffset() == datetime.timedelta(0)


# Text.


def test_facebook_mojibake_is_repaired_and_good_text_left_alone():
    assert repair_mojibake("KÃ¶p inte Ã¥t Ã¤ldre") == "Köp inte åt äldre"
    assert repair_mojibake("Köp inte åt äldre") == "Köp inte åt äldre"
    assert repair_mojibake("") == ""


def test_html_becomes_readable_text_with_paragraphs_and_breaks():
    markup = (
        '<p>Hej <a href="https://social.exempla.se/@info">@info</a>!</p>'
        "<p>Rad ett<br>rad två &amp; tre</p><script>alert(1)</script>"
    )
    assert html_to_text(markup) == "Hej @info!\n\nRad ett\nrad två & tre"
    assert html_to_text("bara &lt;text&gt;") == "bara <text>"
    assert safe_text("a\x00b") == "a\ufffdb"


# Accounts.


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("https://x.com/Exempla", "exempla"),
        ("@exempla", "exempla"),
        ("https://www.facebook.com/exemplakommun/", "exemplakommun"),
        ("Exempla Kommun", "exemplakommun"),
        ("https://social.exempla.se/@info", "info@social.exempla.se"),
        ("@info@social.exempla.se", "info@social.exempla.se"),
        ("https://bsky.app/profile/exempla.bsky.social", "exempla.bsky.social"),
        ("did:plc:AbC123", "did:plc:abc123"),
        ("https://www.youtube.com/@ExemplaKommun", "exemplakommun"),
        ("https://www.tiktok.com/@exempla?lang=sv", "exempla"),
        ("https://www.linkedin.com/company/exempla-kommun/", "exempla-kommun"),
    ],
)
def test_accounts_are_compared_in_one_normal_form(written, normal):
    assert normalise_account(written) == normal


# Streaming JSON.


def test_json_arrays_stream_and_a_cut_file_keeps_what_came_before(tmp_path):
    import io

    items = json_array_items(
        io.BytesIO(b'window.YTD.tweets.part0 = [{"a": 1.5}, {"b": 2}]'), after=b"="
    )
    assert list(items) == [{"a": 1.5}, {"b": 2}]
    cut = json_array_items(io.BytesIO(b'{"data": [{"id": "1"}, {"id": "2"}, {"id'), "data.item")
    assert next(cut) == {"id": "1"} and next(cut) == {"id": "2"}
    with pytest.raises(SourceError, match="cut short"):
        next(cut)
    with pytest.raises(SourceError, match="expected '='"):
        list(json_array_items(io.BytesIO(b"[1, 2]"), after=b"="))


def test_a_damaged_zip_member_is_an_os_error_naming_the_file(tmp_path):
    archive = tmp_path / "export.zip"
    import random

    rng = random.Random(3)
    words = ["hej", "kommunen", "bygglov", "skolan", "vägen", "tack", "när", "varför"]
    payload = " ".join(rng.choice(words) for _ in range(20000)).encode()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data/tweets.js", payload)
    data = bytearray(archive.read_bytes())
    start = data.index(b"data/tweets.js") + len("data/tweets.js") + 200
    for i in range(start, start + 100):
        data[i] ^= 0x5A
    archive.write_bytes(bytes(data))
    with open_bundle(archive) as bundle:
        with pytest.raises(OSError, match=r"data/tweets\.js"), bundle.open("data/tweets.js") as f:
            f.read()
        with pytest.raises(OSError, match=r"data/tweets\.js"):
            bundle.local_path("data/tweets.js")


def test_a_single_file_export_serves_only_media_beside_it_and_nothing_hidden(tmp_path):
    (tmp_path / "export.json").write_text("{}")
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "bild.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / ".ssh").mkdir()
    (tmp_path / ".ssh" / "id_rsa.jpg").write_text("secret")
    (tmp_path / "notes.txt").write_text("private")
    with open_bundle(tmp_path / "export.json") as bundle:
        assert bundle.local_path("photos/bild.jpg").read_bytes() == b"\xff\xd8"
        assert bundle.local_path("export.json").name == "export.json"
        for name in (".ssh/id_rsa.jpg", "notes.txt", "../export.json.jpg"):
            with pytest.raises(KeyError):
                bundle.local_path(name)


@pytest.mark.parametrize(
    "markup",
    [
        '<p>Hej <a href="https://x.se/@info" class="u-url mention">@<span>info</span></a>!</p>',
        '<p title="a>b">Citat</p><blockquote><p>Två</p></blockquote>',
        "<p>a &lt; b &amp;&amp; c > d</p><ul><li>ett</li><li>två</li></ul>",
        "<div><p>En</p><!-- kommentar --><p>Två<br/>rader</p></div><script>x()</script>",
        "<P>Versaler</P><BR>slut",
        "<p>CDATA <![CDATA[inuti]]> och mer</p>",
    ],
)
def test_the_fast_html_path_reads_as_the_html_parser_does(markup):
    from torget.sources import clean

    expected = [clean._SPACES.sub(" ", line).strip() for line in clean._parsed(markup).split("\n")]
    expected = clean._BLANK_LINES.sub("\n\n", "\n".join(expected)).strip()
    assert html_to_text(markup) == expected


# One set of field helpers.

_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=300),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES, st.booleans())
def test_field_helpers_give_empty_a_value_or_a_source_error_naming_the_key(value, required):
    from torget.sources import fields

    for read in (fields.text_of, fields.id_of):
        try:
            result = read(value, "k", required=required)
        except SourceError as error:
            assert error.location == "k"
        else:
            assert isinstance(result, str) and "\x00" not in result
            assert result or not required
            if read is fields.id_of:
                assert len(result) <= fields.MAX_ID and result == result.strip()
    for read, empty in ((fields.object_of, {}), (fields.list_of, []), (fields.flag_of, False)):
        try:
            result = read(value, "k")
        except SourceError as error:
            assert error.location == "k"
        else:
            assert result == empty if value is None else result is value
    assert fields.str_at({}, "k") == "" and fields.id_at({}, "a", "b") == ""
    assert fields.dict_at({}, "k") == {} and fields.list_at({}, "k") == []
