"""Certification commands and queries; each command is one unit of work."""
