"""The fake unit of work: it records what a step emits, and refuses every way to a database."""

from __future__ import annotations

from datetime import date

import pytest

from partnerhub.bus.contracts import PartnerRegistered
from partnerhub.fakes import FakeUnitOfWork, NeedsTheDatabase


async def test_it_records_events_today_and_commit_and_refuses_the_database() -> None:
    uow = FakeUnitOfWork(today=date(2027, 3, 1))
    async with uow:
        event = PartnerRegistered(be_geo_id="P1", name="Initech", country="NL")
        uow.emit(event)
        assert await uow.today() == date(2027, 3, 1)
        with pytest.raises(NeedsTheDatabase):
            uow.conn  # noqa: B018
        with pytest.raises(NeedsTheDatabase):
            uow.db.insert  # noqa: B018
        await uow.commit()
    assert uow.emitted == [event] and [e.type for e in uow.events] == [PartnerRegistered.TYPE]
    assert uow.committed and not uow.rolled_back


async def test_leaving_without_commit_is_a_rollback() -> None:
    async with FakeUnitOfWork(today=date(2027, 3, 1)) as uow:
        pass
    assert uow.rolled_back and not uow.committed
