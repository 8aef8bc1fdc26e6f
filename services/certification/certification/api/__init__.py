"""HTTP routers of the certification service."""
