"""Commands and queries of the specialization service; each command runs in one unit of work."""
