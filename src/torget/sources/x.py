"""x: not built yet."""

READERS = ()
