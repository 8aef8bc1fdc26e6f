"""The bus: envelope, contracts, transports, outbox relay and idempotent consumer."""
