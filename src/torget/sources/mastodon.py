"""mastodon: not built yet."""

READERS = ()
