"""The notify service's composition: API, subscriptions, the mail sender."""

from __future__ import annotations

from pathlib import Path

from notify.api.notifications import router as notifications_router
from notify.api.recipients import router as recipients_router
from notify.consumers import SUBSCRIPTIONS
from notify.sender import run_sender
from notify.settings import NotifySettings
from notify.tables import metadata
from notify.ui.routes import router as ui_router
from partnerhub.service import ServiceDefinition

SERVICE = ServiceDefinition(
    name="notify",
    title="Notify",
    port=8005,
    settings_cls=NotifySettings,
    metadata=metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    routers=(recipients_router, notifications_router, ui_router),
    subscriptions=SUBSCRIPTIONS,
    produces=(),
    background=(run_sender,),
    description="Mail templates, recipients' addresses and the delivery log.",
)
