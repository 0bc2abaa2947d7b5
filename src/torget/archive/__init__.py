"""The archive of public records (R4): records, versions, media, the integrity chain, search."""
