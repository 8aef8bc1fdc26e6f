"""Learning's read side, in one place: ``points`` (the CL View, its CSV, the partners' and people's point
ledgers: what the API answers) and ``pages`` (what the CL View pages read besides: who may sign in, names,
notes and alerts, the partners overview). Nothing here writes."""
