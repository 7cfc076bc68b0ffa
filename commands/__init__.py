"""Slash-command families: parse text, call domain code, return a Reply."""
