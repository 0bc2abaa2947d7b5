"""linkedin: not built yet."""

READERS = ()
