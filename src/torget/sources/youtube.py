"""youtube: not built yet."""

READERS = ()
