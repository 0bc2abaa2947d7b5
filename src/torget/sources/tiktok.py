"""tiktok: not built yet."""

READERS = ()
