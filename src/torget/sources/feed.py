"""feed: not built yet."""

READERS = ()
