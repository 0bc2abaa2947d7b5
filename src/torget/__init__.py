"""Torget: lawful social media for public organisations."""

__version__ = "0.1.0"
