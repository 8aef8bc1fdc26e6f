"""partnerhub learning service: The Continuous Learning library, completions, proofs of attendance, point ledgers, partner credits, the CL View."""
