"""bluesky: not built yet."""

READERS = ()
