"""Text as platforms deliver it, made fit for the archive and its search.

- `repair_mojibake`: Facebook's "Download your information" files write UTF-8 bytes as if
  each were a Latin-1 character ("KÃ¶p" for "Köp"); ftfy undoes that and leaves correct text
  alone.
- `html_to_text`: Mastodon statuses and WordPress posts are HTML. The raw payload keeps the
  HTML exactly; the item's text is the clean text a person reads, for search and display.
- `safe_text`: PostgreSQL text cannot hold NUL; it becomes U+FFFD (the raw payload keeps it).
"""

import html
import re
from html.parser import HTMLParser

import ftfy

__all__ = ["html_to_text", "repair_mojibake", "safe_text"]

_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    normalization=None,
    explain=False,
)
_BLOCK = {"p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "pre"}
_SKIP = {"script", "style", "template"}
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def safe_text(value: str) -> str:
    return value.replace("\x00", "\ufffd") if "\x00" in value else value


def repair_mojibake(value: str) -> str:
    if not value or value.isascii():
        return value
    return ftfy.fix_text(value, _FTFY)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag) -> None:
        if tag in _SKIP:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data) -> None:
        if not self.skipping:
            self.parts.append(data)


_DROP = re.compile(
    r"<(script|style|template)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL
)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ATTRIBUTES = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|li|blockquote|h[1-6]|tr|pre)\b" + _ATTRIBUTES + ">", re.IGNORECASE
)
_TAG = re.compile(r"</?[A-Za-z]" + _ATTRIBUTES + ">")
_RISKY = re.compile(r"<!(?!--)|<\?|<[A-Za-z][^>]*<", re.IGNORECASE)


def html_to_text(markup: str) -> str:
    """The readable text of an HTML fragment: paragraphs and line breaks kept, tags gone."""
    if "<" not in markup:
        return safe_text(html.unescape(markup).strip())
    if _RISKY.search(markup):
        text = _parsed(markup)  # CDATA, declarations, broken tags: the real parser
    else:
        text = _DROP.sub("", markup)
        text = _BREAK.sub("\n", text)
        text = _BLOCK_TAG.sub("\n\n", text)
        text = html.unescape(_TAG.sub("", text))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return safe_text(_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip())


def _parsed(markup: str) -> str:
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)
