"""partnerhub specialization service: Specializations and levels, job roles, applications, partner status, anniversaries, grace and losses."""
