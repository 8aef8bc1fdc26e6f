"""Projections of another service's facts that several services keep the same way, written once.

``identity``: people, memberships (with planned leaves) and merges, as certification, learning,
specialization and notify keep them from identity's events (ID-2, ID-3).
"""
