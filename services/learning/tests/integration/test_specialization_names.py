"""learning projects a specialization's name from specialization.status.changed (specialization's fact):
the latest announcement wins, an older one arriving late changes nothing, an event without a name keeps
the one known, and the pages show "Name (CODE)"; before any name, the code alone. Both modes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from learning.app import SERVICE
from learning.tables import specialization_names
from partnerhub.bus.contracts import StatusChanged
from partnerhub.testing import deliver


def status(name: str | None) -> StatusChanged:
    return StatusChanged(
        be_geo_id="P1", specialization="ADV-COLLAB", status="approved", level="advanced_architecture",
        anniversary=date(2026, 12, 31), period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
        points_required=100, icon="on_target", name=name,
    )


async def applied(runtime, event: StatusChanged, at: datetime) -> None:  # type: ignore[no-untyped-def]
    await deliver(runtime, event, producer="specialization", occurred_at=at)


async def names(runtime) -> dict[str, str]:  # type: ignore[no-untyped-def]
    async with runtime.db.engine.connect() as conn:
        return {r.specialization: r.name for r in await conn.execute(specialization_names.select())}


async def test_the_name_is_specialization_s_latest_announcement(system_factory, tmp_path) -> None:
    async with system_factory(SERVICE, start_date="2026-06-01", data_dir=tmp_path / "d") as system:
        runtime, client = system.runtimes["learning"], system.clients["learning"]
        admin = system.token("ada", "individual", "partner_admin", admin_of=["P1"])
        now = datetime.now(UTC)
        await applied(runtime, status(None), now)
        page = (await client.get("/ui/partners/P1", headers=admin)).text
        assert ">ADV-COLLAB</a></h2>" in page  # no name announced yet: the code
        await applied(runtime, status("Collaboration Architecture"), now + timedelta(seconds=2))
        await applied(runtime, status("An old name"), now + timedelta(seconds=1))  # older, arriving late
        await applied(runtime, status(None), now + timedelta(seconds=3))  # an older producer: the name holds
        assert await names(runtime) == {"ADV-COLLAB": "Collaboration Architecture"}
        page = (await client.get("/ui/partners/P1", headers=admin)).text
        assert 'Collaboration Architecture <span class="code">(ADV-COLLAB)</span>' in page
        await applied(runtime, status("Advanced Collaboration Architecture"), now + timedelta(seconds=4))
        assert await names(runtime) == {"ADV-COLLAB": "Advanced Collaboration Architecture"}
        detail = (await client.get("/ui/partners/P1/specializations/ADV-COLLAB", headers=admin)).text
        assert 'Advanced Collaboration Architecture <span class="code">(ADV-COLLAB)</span>' in detail
