"""SP-13: the status icon, judged here and nowhere else; specialization.status.changed carries it.

The icon depends on the date and on the points earned, so it is judged whenever either moves: by the daily job
on the days ``icon_check_on`` names (grey ends, on target turns behind) and when credits arrive. The icon last
announced is kept on the row, so each change is announced once (a redelivered credit or a rerun day finds it
unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from specialization.domain import lifecycle as lc
from specialization.tables import credits
from specialization.use_cases import assessments
from specialization.use_cases.assessments import Key

FEW = 20  # up to this many, each key's points are one indexed sum; beyond, one read of the partners' credits


@dataclass(frozen=True)
class Judged:
    icon: lc.Icon
    check_on: date | None  # the next day the calendar alone may change it

    def same_as(self, row: Row[Any]) -> bool:
        return (self.icon, self.check_on) == (row.icon, row.icon_check_on)


async def judge(
    conn: AsyncConnection, states: dict[Key, lc.SpecState], required: dict[Key, int], today: date, rules: lc.Rules
) -> dict[Key, Judged]:
    """Each state's icon on ``today``, on the points of its window through today (as the status shows it)."""
    earned = await points_earned(conn, states, today)
    out = {}
    for key, state in states.items():
        points, needed = earned.get(key, 0), required.get(key, 0)
        out[key] = Judged(lc.icon(state, points, needed, today, rules), lc.icon_changes_on(state, points, needed, today, rules))
    return out


async def points_earned(conn: AsyncConnection, states: dict[Key, lc.SpecState], as_of: date) -> dict[Key, int]:
    if len(states) > FEW:
        return dict((await assessments.gather_states(conn, states, as_of, points_only=True)).points)
    out = {}
    for (be_geo_id, code), state in states.items():
        low, high = lc.points_window(state, as_of)
        total = await conn.scalar(
            select(func.coalesce(func.sum(credits.c.points), 0)).where(
                credits.c.be_geo_id == be_geo_id,
                credits.c.specialization == code,
                credits.c.earned_on >= low,
                credits.c.earned_on <= high,
            )
        )
        out[(be_geo_id, code)] = int(total or 0)
    return out
