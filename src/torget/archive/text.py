"""Words and stems for Swedish search, the same on SQLite and PostgreSQL.

PostgreSQL's `swedish` configuration and this module both use the Snowball Swedish stemmer,
so "kommunen" finds "kommun" and "bygglovet" finds "bygglov" on either backend; snippets are
highlighted here, from the record's own text, identically for both.
"""

import html
import re
import threading

import Stemmer

WORD = re.compile(r"\w+", re.UNICODE)
# A PyStemmer object must not be shared between threads (the web server's threads, the
# import's prefetch thread): each thread gets its own.
_local = threading.local()


def _stem_words(words: list[str]) -> list[str]:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("swedish", 100_000)
    return stemmer.stemWords(words)


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def stems(text: str) -> list[str]:
    """Distinct stems in order of first appearance."""
    return list(dict.fromkeys(_stem_words(words(text))))


def query_stems(query: str) -> list[str]:
    return stems(query)


def snippet(text: str, wanted: set[str], width: int = 28) -> str:
    """HTML: about `width` words of `text` around the first hit, hits in <mark>."""
    tokens = list(WORD.finditer(text))
    if not tokens:
        return ""
    token_stems = _stem_words([t.group().lower() for t in tokens])
    hits = [i for i, stem in enumerate(token_stems) if stem in wanted]
    first = hits[0] if hits else 0
    start = max(0, first - width // 3)
    end = min(len(tokens), start + width)
    begin_char = tokens[start].start() if start > 0 else 0
    end_char = tokens[end - 1].end() if end < len(tokens) else len(text)
    hit_set = set(hits)
    pieces, cursor = [], begin_char
    for i in range(start, end):
        token = tokens[i]
        pieces.append(html.escape(text[cursor : token.start()]))
        word = html.escape(token.group())
        pieces.append(f"<mark>{word}</mark>" if i in hit_set else word)
        cursor = token.end()
    pieces.append(html.escape(text[cursor:end_char]))
    prefix = "… " if begin_char > 0 else ""
    suffix = " …" if end_char < len(text) else ""
    return prefix + "".join(pieces).strip() + suffix
