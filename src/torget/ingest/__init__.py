"""The one pipeline every source feeds: normalise, version, store, chain, index, scan."""
