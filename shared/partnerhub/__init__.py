"""partnerhub platform library: what every service stands on.

Settings, logging, database and unit of work, outbox/inbox, bus transports,
event contracts, auth, clock, the service runtime and the CLI. This package
never imports a service: services are found through the ``partnerhub.services``
entry point group.
"""
