"""Does a comment ask the organisation something? Swedish, Norwegian and English.

Rules, not a model: they are fast, explainable to the communicator ("it has a question
mark"), and measured on a labelled set of realistic comments (tests/dialogue/labelled.tsv;
the test prints precision and recall). A person can always mark or unmark by hand.

A text asks something when a sentence in it
- ends with a question mark (outside links), or
- opens with an interrogative word ("hur", "när", "varför", "hvordan", "why") and is not an
  exclamation ("Vad fint!", "Hur kul!"), or
- holds a request phrase ("kan ni", "får man", "jag undrar", "lurer på", "does anyone know").
"""

import re

__all__ = ["VERSION", "question_reason"]

VERSION = 1

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_SENTENCES = re.compile(r"[^.!?\n]+[.!?]*")
# A greeting or a conjunction before the question: "Hej kommunen, får jag ...", "Och vad ...".
_LEAD = re.compile(
    r"^(?:(?:hej|hejsan|hallå|hei|hello|hi)(?:\s+[\w-]+)?\s*[,!:]\s*|(?:och|men|så|og|and|but)\s+)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\wåäöæøéü'-]+", re.IGNORECASE)

_SWEDISH = "hur när var vart varifrån varför vad vem vems vilken vilket vilka"
_NORWEGIAN = "hvordan når hvor hvorfor hva hvem hvilken hvilket hvilke korleis kvifor kva kven kvar"
_ENGLISH = "how when where why what who whom whose which"
INTERROGATIVES = frozenset(f"{_SWEDISH} {_NORWEGIAN} {_ENGLISH}".split())
# Verb-first questions need a subject after the verb to be told from statements
# ("Kan ni ..." asks, "Kan inte ..." does not).
VERB_FIRST = re.compile(
    r"^(?:kan|får|ska|skall|måste|bör|finns|går|gäller|har|är|blir|kommer|vet|stämmer"
    r"|skal|må|finnes|gjelder|blir|er|vil"
    r"|can|could|will|would|should|is|are|do|does|did|has|have)\s+"
    r"(?:ni|man|jag|du|vi|någon|nån|det|den|de|dere|dei|eg|jeg|noen|nokon|kommunen|biblioteket"
    r"|you|i|we|anyone|someone|it|there|this|the)\b",
    re.IGNORECASE,
)
REQUEST_PHRASES = re.compile(
    r"\b(?:jag undrar|undrar (?:om|när|hur|var|varför|vad|vem|vilken|över)|undrar bara"
    r"|vet (?:någon|nån|ni)|någon som vet|nån som vet|kan ni (?:svara|berätta|förklara|hjälpa)"
    r"|får man|går det att|hur gör (?:man|jag)|vart vänder (?:man|jag) mig|vem ska jag"
    r"|lurer på|jeg lurer|noen som vet|kan dere|får man lov|hvordan går"
    r"|i wonder|wondering (?:if|whether|when|how)|does anyone know|can you (?:tell|explain|help)"
    r"|could you (?:tell|explain|help)|is it possible|please let me know|please advise)\b",
    re.IGNORECASE,
)
EXCLAMATION_OPENERS = frozenset(
    {"vad", "hur", "så", "vilken", "vilket", "vilka", "hvor", "for", "hvilken", "what", "how"}
)
# Verbs that open a question whatever follows ("Gäller erbjudandet även pensionärer").
ASKING_VERBS = re.compile(r"^(?:gäller|stämmer|gjelder|stemmer)\s+\w", re.IGNORECASE)


def question_reason(text: str) -> str:
    """Why the text is a question ("question mark", "interrogative word", "request"), or ""."""
    if not text:
        return ""
    plain = _URL.sub(" ", text)
    if "?" in plain:
        return "question mark"
    for sentence in _SENTENCES.findall(plain):
        stripped = _LEAD.sub("", sentence.strip())
        words = _WORD.findall(stripped.lower())
        if not words:
            continue
        if words[0] in INTERROGATIVES:
            exclaims = stripped.endswith("!") and words[0] in EXCLAMATION_OPENERS
            if not exclaims and len(words) >= 3:
                return "interrogative word"
        asking = VERB_FIRST.match(stripped) or ASKING_VERBS.match(stripped)
        if asking and not stripped.endswith("!"):
            return "interrogative word order"
    if REQUEST_PHRASES.search(plain):
        return "request"
    return ""
