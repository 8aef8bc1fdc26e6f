"""CL-6: a passed exam earns points only where that exam is in the library."""

from __future__ import annotations

from sqlalchemy import select

from learning.tables import activities
from learning.use_cases import ledger
from learning.use_cases.library import Activity
from partnerhub.bus.contracts import ExamPassed
from partnerhub.db.uow import UnitOfWork


async def exam_passed(uow: UnitOfWork, event: ExamPassed) -> None:
    row = (
        await uow.conn.execute(
            select(activities).where(
                activities.c.published.is_(True),
                activities.c.kind == "exam",
                activities.c.exam_number == event.exam_number,
            )
        )
    ).first()
    if row is None:
        return  # not in the library: no points (CL-6)
    activity = Activity.from_row(row)
    person = (await ledger.resolve(uow, [event.cco_id]))[event.cco_id]
    await ledger.lock_people(uow, [person])
    await ledger.add_entries(
        uow,
        [
            ledger.NewEntry(
                cco_id=person,
                earned_by=event.cco_id,
                activity_id=activity.activity_id,
                points=activity.points,
                earned_on=event.passed_on,
                specializations=list(activity.specializations),
                mandatory_for=list(activity.mandatory_for),
                source="exam",
                source_ref=event.result_id,
            )
        ],
    )
