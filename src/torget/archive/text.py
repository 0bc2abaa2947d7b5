"""Words and search terms for Nordic search, the same on SQLite and PostgreSQL.

A record's text and a query go through one function, so both backends index and look up the
same terms (docs/search.md):

- the text is normalised: NFKC (full-width letters, ligatures), lower case, invisible format
  characters (soft hyphens, zero-width joiners) and stray combining marks removed; accents are
  folded (é → e, ü → u) but å, ä, ö, æ and ø stay letters, since Swedish and Norwegian treat
  them as letters of their own;
- each word becomes a few *terms*: the word itself and its dictionary lemmas in Swedish and
  Norwegian bokmål (simplemma's lexicons, shipped in its wheel), so "förskolan" gives
  `förskola`, "böcker" `bok`, "bøkene" `bok`; a word the lexicons do not know is split as a
  compound on the longest known last part ("snöröjningen" → snö + röjning), and failing that
  reduced by the Snowball Swedish stemmer;
- a query word matches a record when they share a term.

Every term is at most MAX_TERM characters (400 bytes of UTF-8, far below PostgreSQL's 2,047
bytes per lexeme) and a record's terms are capped at MAX_RECORD_TERM_BYTES (below the 1 MB
tsvector limit), so no text anyone can write stops an import. Snippets are highlighted here,
from the record's own text, identically for both backends.
"""

import functools
import html
import re
import threading
import unicodedata
from collections.abc import Iterable
from itertools import chain

import Stemmer

# Lexicons used for lemmas, in this order; a word may have a lemma in each.
LANGUAGES = ("sv", "nb")
# A word longer than this is not a word of any language: it is indexed (and looked up) by its
# first MAX_TERM characters, with no lemma or stem.
MAX_TERM = 100
# A record's distinct terms, counted as PostgreSQL stores them (UTF-8 bytes plus a 4-byte
# entry each, rounded up): past this, further new words of that record are not indexed.
MAX_RECORD_TERM_BYTES = 512 * 1024
# A query's words past this many are not searched for.
MAX_QUERY_WORDS = 32
# Only so much of a long record's text is read for its snippet.
SNIPPET_SCAN_CHARS = 200_000
# Compound splitting: the known last part and the prefix before it have at least these lengths.
MIN_HEAD = 3
MIN_PREFIX = 2
# Longer unknown words are not split (a random string costs a lookup per letter otherwise).
MAX_COMPOUND = 40

WORD = re.compile(r"[^\W_]+")
# A PyStemmer object must not be shared between threads (the web server's threads, the
# import's prefetch thread): each thread gets its own.
_local = threading.local()
_load_lock = threading.Lock()
_lexicons: list = []


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("swedish")
    return stemmer


def _load_lexicons() -> list:
    """The form → lemma lexicons, loaded once per process on first use (about 7 s, 170 MB)."""
    if not _lexicons:
        with _load_lock:
            if not _lexicons:
                from simplemma.strategies.dictionaries import DefaultDictionaryFactory

                factory = DefaultDictionaryFactory()
                _lexicons.extend(factory.get_dictionary(lang) for lang in LANGUAGES)
    return _lexicons


def preload() -> None:
    """Load the lexicons and tables now (the web server does, as it starts)."""
    _load_lexicons()
    _folded()


# Characters that may be format characters or combining marks: the soft hyphen and all from
# U+0300 on. Most Nordic text has none, and is not looked at twice.
_CANDIDATE = re.compile("[\u00ad\u0300-\U0010ffff]")
_REMOVED_CATEGORIES = frozenset(("Mn", "Me", "Mc", "Cf"))


def _removed(match: re.Match) -> str:
    char = match.group()
    return "" if unicodedata.category(char) in _REMOVED_CATEGORIES else char


@functools.cache
def _folded() -> dict[int, str]:
    """A str.translate table folding accented Latin letters to their base letter, except the
    Nordic letters å ä ö æ ø."""
    folded: dict[int, str] = {}
    kept = set("åäöæøÅÄÖÆØ")
    for cp in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        char = chr(cp)
        if char in kept or not char.isalpha():
            continue
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii():
            folded[cp] = base.lower() if char.islower() else base
    return folded


def normalise(text: str) -> str:
    """The text as words are read from it: NFKC, lower case, no format characters (soft
    hyphens, zero-width joiners) or combining marks left over after NFKC."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text)
    if _CANDIDATE.search(text):
        text = _CANDIDATE.sub(_removed, text)
    return text.lower()


def tokens(text: str) -> list[str]:
    """The normalised words of a text, in order."""
    return WORD.findall(normalise(text))


def fold(word: str) -> str:
    """A normalised word with its accents folded (å ä ö æ ø kept)."""
    return word if word.isascii() else word.translate(_folded())


# Plurals with a changed vowel, a closed class: the lexicons give one lemma per form and
# often the other reading ("händer" → hända, "tänder" → tända, "bøkene" → bøk "beech").
# form: lemma, for Swedish and Norwegian bokmål; definite and genitive forms are derived.
UMLAUT_PLURALS = {
    **dict.fromkeys(["händer", "händerna"], "hand"),
    **dict.fromkeys(["länder", "länderna"], "land"),
    **dict.fromkeys(["stränder", "stränderna"], "strand"),
    **dict.fromkeys(["tänder", "tänderna"], "tand"),
    **dict.fromkeys(["ränder", "ränderna"], "rand"),
    **dict.fromkeys(["bränder", "bränderna"], "brand"),
    **dict.fromkeys(["änder", "änderna"], "and"),
    **dict.fromkeys(["stänger", "stängerna"], "stång"),
    **dict.fromkeys(["tänger", "tängerna"], "tång"),
    **dict.fromkeys(["nätter", "nätterna"], "natt"),
    **dict.fromkeys(["städer", "städerna"], "stad"),
    **dict.fromkeys(["män", "männen"], "man"),
    **dict.fromkeys(["böcker", "böckerna"], "bok"),
    **dict.fromkeys(["fötter", "fötterna"], "fot"),
    **dict.fromkeys(["rötter", "rötterna"], "rot"),
    **dict.fromkeys(["söner", "sönerna"], "son"),
    **dict.fromkeys(["bönder", "bönderna"], "bonde"),
    **dict.fromkeys(["ledamöter", "ledamöterna"], "ledamot"),
    **dict.fromkeys(["böter", "böterna"], "bot"),
    **dict.fromkeys(["möss", "mössen"], "mus"),
    **dict.fromkeys(["löss", "lössen"], "lus"),
    **dict.fromkeys(["gäss", "gässen"], "gås"),
    **dict.fromkeys(["döttrar", "döttrarna"], "dotter"),
    **dict.fromkeys(["bröder", "bröderna"], "bror"),
    **dict.fromkeys(["mödrar", "mödrarna"], "mor"),
    **dict.fromkeys(["fäder", "fäderna"], "far"),
    **dict.fromkeys(["bøker", "bøkene"], "bok"),
    **dict.fromkeys(["føtter", "føttene"], "fot"),
    **dict.fromkeys(["røtter", "røttene"], "rot"),
    **dict.fromkeys(["bønder", "bøndene"], "bonde"),
    **dict.fromkeys(["menn", "mennene"], "mann"),
    **dict.fromkeys(["hender", "hendene"], "hånd"),
    **dict.fromkeys(["tenner", "tennene"], "tann"),
    **dict.fromkeys(["netter", "nettene"], "natt"),
    **dict.fromkeys(["stenger", "stengene"], "stang"),
    **dict.fromkeys(["strender", "strendene"], "strand"),
    **dict.fromkeys(["brødre", "brødrene"], "bror"),
    **dict.fromkeys(["fedre", "fedrene"], "far"),
    **dict.fromkeys(["mødre", "mødrene"], "mor"),
    **dict.fromkeys(["døtre", "døtrene"], "datter"),
    **dict.fromkeys(["gjess", "gjessene"], "gås"),
    **dict.fromkeys(["kyr", "kyrne"], "ku"),
    **dict.fromkeys(["tær", "tærne"], "tå"),
    **dict.fromkeys(["knær", "knærne"], "kne"),
    **dict.fromkeys(["trær", "trærne"], "tre"),
}
# Definite endings (and a genitive s after any form) of a word that is not a dictionary form
# itself: when what is left is a lemma of its own, it is a reading too. The lexicons lack
# some ("beslutet" → besluten, "vägarna" → vägare). Only endings of two letters or more:
# "-t" and "-a" would make "matt" a form of "mat" and "matta" one of "matt".
DEFINITE_ENDINGS = ("arna", "erna", "orna", "ene", "en", "et", "na", "ne")


def _lexicon_lemmas(word: str) -> set[str]:
    found = set()
    for lexicon in _load_lexicons():
        lemma = lexicon.get(word)
        if lemma is not None:
            found.add(lemma.lower())
    extra = UMLAUT_PLURALS.get(word)
    if extra is not None:
        found.add(extra)
    return found


def _is_lemma(word: str) -> bool:
    return word in UMLAUT_PLURALS.values() or any(
        lexicon.get(word) == word for lexicon in _load_lexicons()
    )


def _lemmas(word: str) -> set[str]:
    found = _lexicon_lemmas(word)
    if word in found:  # a dictionary form of its own ("glass", "ordna"): no endings read
        return found
    if word.endswith("s") and len(word) > 3:
        found |= _lexicon_lemmas(word[:-1])
        if word[:-1] in UMLAUT_PLURALS or _is_lemma(word[:-1]):
            found.add(word[:-1])
    for ending in DEFINITE_ENDINGS:
        base = word[: -len(ending)]
        if word.endswith(ending) and len(base) >= 2 and _is_lemma(base):
            found.add(base)
    return found


@functools.lru_cache(maxsize=200_000)
def word_terms(word: str) -> tuple[str, ...]:
    """The terms of one normalised word (see the module's docstring)."""
    if len(word) > MAX_TERM:
        return (fold(word[:MAX_TERM]),)
    if not word.isalpha():  # numbers and codes are not inflected
        return (fold(word),)
    lemmas = _lemmas(word)
    if not lemmas and len(word) <= MAX_COMPOUND:
        for start in range(MIN_PREFIX, len(word) - MIN_HEAD + 1):
            heads = _lexicon_lemmas(word[start:])
            if heads:
                lemmas = {word[:start] + head for head in heads}
                break
    if not lemmas:
        return (_stemmer().stemWord(fold(word)),)
    terms = {fold(word)} | {fold(lemma)[:MAX_TERM] for lemma in lemmas if lemma.isalpha()}
    return tuple(sorted(terms))


def terms(text: str) -> list[str]:
    """A text's distinct index terms, in order of first appearance, within the record cap."""
    # Plain loops are too slow here: this runs for every imported item.
    found = dict.fromkeys(chain.from_iterable(map(word_terms, dict.fromkeys(tokens(text)))))
    if len(found) * (4 * MAX_TERM + 8) <= MAX_RECORD_TERM_BYTES:
        return list(found)
    kept, budget = [], MAX_RECORD_TERM_BYTES
    for term in found:
        cost = len(term.encode()) + 8
        if cost > budget:
            break
        budget -= cost
        kept.append(term)
    return kept


def query_terms(query: str) -> list[tuple[str, ...]]:
    """Per query word (the first MAX_QUERY_WORDS distinct ones), the terms any of which a
    record must hold."""
    words = list(dict.fromkeys(tokens(query)))[:MAX_QUERY_WORDS]
    return list(dict.fromkeys(word_terms(word) for word in words))


def stems(text: str) -> list[str]:
    """Snowball Swedish stems, as the index held them before lemmas (kept for comparison:
    bench/search_quality.py)."""
    return list(dict.fromkeys(_stemmer().stemWords(tokens(text))))


def snippet(text: str, wanted: Iterable[str], width: int = 28) -> str:
    """HTML: about `width` words of `text` around the first hit, hits in <mark>."""
    wanted = set(wanted)
    scanned = text[:SNIPPET_SCAN_CHARS]
    found = list(WORD.finditer(scanned))
    if not found:
        return html.escape(text[:200])

    def is_hit(i: int) -> bool:
        return any(t in wanted for w in tokens(found[i].group()) for t in word_terms(w))

    first = next((i for i in range(len(found)) if is_hit(i)), 0) if wanted else 0
    start = max(0, first - width // 3)
    end = min(len(found), start + width)
    hits = [i for i in range(start, end) if wanted and is_hit(i)]
    begin_char = found[start].start() if start > 0 else 0
    end_char = found[end - 1].end() if end < len(found) else len(text)
    hit_set = set(hits)
    pieces, cursor = [], begin_char
    for i in range(start, end):
        token = found[i]
        pieces.append(html.escape(text[cursor : token.start()]))
        word = html.escape(token.group())
        pieces.append(f"<mark>{word}</mark>" if i in hit_set else word)
        cursor = token.end()
    pieces.append(html.escape(text[cursor:end_char]))
    prefix = "… " if begin_char > 0 else ""
    suffix = " …" if end_char < len(text) else ""
    return prefix + "".join(pieces).strip() + suffix
