"""facebook: not built yet."""

READERS = ()
