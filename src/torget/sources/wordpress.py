"""wordpress: not built yet."""

READERS = ()
