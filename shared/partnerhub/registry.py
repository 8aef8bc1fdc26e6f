"""Services are found through the ``partnerhub.services`` entry point group."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from partnerhub.service import ServiceDefinition

GROUP = "partnerhub.services"
ORDER = ("identity", "certification", "learning", "specialization", "notify")


def discover() -> dict[str, ServiceDefinition]:
    found = {ep.name: ep for ep in entry_points(group=GROUP)}
    ordered = [n for n in ORDER if n in found] + sorted(set(found) - set(ORDER))
    return {name: found[name].load() for name in ordered}


def load(name: str) -> ServiceDefinition:
    services = discover()
    if name not in services:
        known = ", ".join(services) or "none installed"
        raise LookupError(f"no service named {name!r}; known services: {known}")
    return services[name]
