"""Templates telling a poster why their comment was removed (seed 002 §2.1.5: "Om
situationen tillåter, återkoppla till den som skrivit och förklara varför")."""

from .models import Reason

WHY = {
    "sv": {
        Reason.PERSONAL_DATA: "den innehöll personuppgifter, till exempel ett personnummer",
        Reason.CONFIDENTIAL: "den innehöll uppgifter som kan omfattas av sekretess",
        Reason.THREAT: "den innehöll ett hot",
        Reason.HATE_SPEECH: "den uttryckte missaktning mot en folkgrupp",
        Reason.INCITEMENT: "den uppmanade till brott",
        Reason.UNLAWFUL_DEPICTION: "den kränkte någons privatliv",
        Reason.COPYRIGHT: "den innehöll material som skyddas av upphovsrätt",
        Reason.SPAM: "den var reklam eller skräppost, vilket sidans regler inte tillåter",
        Reason.OFF_TOPIC: "den inte handlade om inlägget, vilket sidans regler kräver",
        Reason.PERSONAL_ATTACK: "den angrep en person, vilket sidans regler inte tillåter",
    },
    "en": {
        Reason.PERSONAL_DATA: "it contained personal data, such as a personal identity number",
        Reason.CONFIDENTIAL: "it contained information that may be confidential",
        Reason.THREAT: "it contained a threat",
        Reason.HATE_SPEECH: "it expressed contempt for a group of people",
        Reason.INCITEMENT: "it urged others to commit a crime",
        Reason.UNLAWFUL_DEPICTION: "it violated someone's privacy",
        Reason.COPYRIGHT: "it contained material protected by copyright",
        Reason.SPAM: "it was advertising or spam, which the page's rules do not allow",
        Reason.OFF_TOPIC: "it was not about the post, which the page's rules require",
        Reason.PERSONAL_ATTACK: "it attacked a person, which the page's rules do not allow",
    },
}

TEMPLATE = {
    "sv": (
        "Hej {name}! Vi har tagit bort din kommentar på {channel} eftersom {why}. "
        "Du är välkommen att skriva igen, och kritik mot oss är alltid tillåten. "
        "Läs gärna sidans regler: {rules}"
    ),
    "en": (
        "Hello {name}! We have removed your comment on {channel} because {why}. "
        "You are welcome to write again, and criticism of us is always allowed. "
        "Please read the page's rules: {rules}"
    ),
}


def removal_notice(*, language: str, reason: str, name: str, channel: str, rules: str) -> str:
    why = WHY[language].get(reason)
    if why is None:
        return ""
    return TEMPLATE[language].format(
        name=name or ("där" if language == "sv" else "there"),
        channel=channel,
        why=why,
        rules=rules or "–",
    )
