"""partnerhub identity service: Partners, CCO IDs, memberships with history, merges, access grants, partner admins and PAMs."""
