"""instagram: not built yet."""

READERS = ()
