"""How long a reply may be on each platform, with where each figure comes from.

A reply that is too long is cut or refused by the platform when it is published, after the
deadline clock has run; Torget counts as the person types and refuses a finished reply that
will not fit. The figures count characters as Python does (code points); X counts a link as
23 and some scripts double, Bluesky counts graphemes, so the count here is a close guide,
not the platform's own. Platforms without a limit for replies that matters (a blog's
comments) have none here.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class AnswerLimit:
    platform: str
    chars: int
    source: str


# Where each figure is documented; re-check when a platform changes its rules.
LIMITS: dict[str, AnswerLimit] = {
    limit.platform: limit
    for limit in [
        AnswerLimit(
            "x",
            280,
            "twitter-text configuration v3, maxWeightedTweetLength 280 "
            "(github.com/twitter/twitter-text, config/v3.json); X Help Center, "
            "'How to post': 280 characters for accounts without Premium",
        ),
        AnswerLimit(
            "bluesky",
            300,
            "AT Protocol lexicon app.bsky.feed.post: text maxGraphemes 300 "
            "(github.com/bluesky-social/atproto, lexicons/app/bsky/feed/post.json)",
        ),
        AnswerLimit(
            "mastodon",
            500,
            "Mastodon StatusLengthValidator MAX_CHARS = 500 "
            "(github.com/mastodon/mastodon, app/validators/status_length_validator.rb); "
            "a server may allow more",
        ),
        AnswerLimit(
            "tiktok",
            150,
            "TikTok app: comments are limited to 150 characters (as shown in the comment field)",
        ),
        AnswerLimit(
            "linkedin",
            1250,
            "LinkedIn Help: comments are limited to 1,250 characters",
        ),
        AnswerLimit(
            "instagram",
            2200,
            "Instagram Help Center: captions and comments up to 2,200 characters",
        ),
        AnswerLimit(
            "facebook",
            8000,
            "Facebook: comments are cut at 8,000 characters (the comment field's limit)",
        ),
        AnswerLimit(
            "youtube",
            10000,
            "YouTube Data API, commentThreads: textOriginal up to 10,000 characters",
        ),
    ]
}


def answer_limit(platform: str) -> AnswerLimit | None:
    """The platform's limit for a reply, or None where none matters."""
    return LIMITS.get(platform)
