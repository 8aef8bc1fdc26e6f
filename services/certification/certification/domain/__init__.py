"""Certification rules without I/O: dates in, decisions out (CE-1 to CE-12)."""
