"""Sources turn bytes (an export file, an API page) into CapturedItems; they know no database."""
