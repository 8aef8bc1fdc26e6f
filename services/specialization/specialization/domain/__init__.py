"""Pure rules of the specialization program: dates and facts in, decisions out. No I/O here."""
