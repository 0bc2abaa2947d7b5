"""Scanners for personal data and content to act on in comment texts; no database here.

from torget.personal_data.scanners import scan, Watchlist
scan("Mitt personnummer är 000101-2384", Watchlist(terms=["bygglov"]))
"""

from .engine import ENGINE_VERSION, scan, scan_many
from .finding import CATEGORIES, Finding
from .watchlist import Watchlist

__all__ = ["CATEGORIES", "ENGINE_VERSION", "Finding", "Watchlist", "scan", "scan_many"]
