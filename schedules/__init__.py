"""Time: protocol format, the cycle engine, prompt kinds, the clock tick and digests."""
