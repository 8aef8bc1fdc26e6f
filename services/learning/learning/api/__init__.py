"""HTTP entry points: they translate requests into use-case calls, and check who may call."""
