"""Applications (SP-2, SP-5, SP-11, SP-12), refills (SP-14) and renewal submissions (SP-9).

Which requirements (SP-3, ARCHITECTURE "Time"): an application or a renewal submission is judged by the version of
the role requirements in force on its submission date, and the partner specialization records it
(``requirements_version``). Between them, holders — and a refill, which puts a holder into the same standing —
are judged by the recorded version: a new version applies from the next renewal or application (the 2003 FAQ: "it
won't be necessary to update any qualifications until your specialization is up for renewal"; the 2015 FAQ: retakes
only when a holder is lost from the role or an updated exam is required, CE-1, which replacements already do).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Row, select, update

from partnerhub.db.uow import Database, UnitOfWork
from partnerhub.errors import Conflict, NotFound, Unprocessable
from specialization import repository
from specialization.domain import lifecycle as lc
from specialization.domain.allocation import Seat, limit_violation
from specialization.domain.catalog import Specialization, Versions
from specialization.domain.qualification import member_until, qualify
from specialization.settings import SpecializationSettings
from specialization.tables import allocations, applications
from specialization.tables import partner_specializations as ps
from specialization.use_cases import assessments, compliance, cycle, events, icons


@dataclass(frozen=True)
class Outcome:
    kind: str  # new | reactivation
    approved_on: date
    requirements_version: int = 1


async def _versions(uow: UnitOfWork, code: str) -> Versions:
    found = await repository.versions(uow.conn, code)
    if found is None:
        raise NotFound(f"No specialization {code} in the catalog.", code=code)
    return found


def _named(unmet: list[dict], spec: Specialization) -> list[dict]:
    """Each unmet requirement names the version it was judged by (SP-3)."""
    return [{**u, "requirements_version": spec.version} for u in unmet]


async def check_people(
    uow: UnitOfWork, pol: SpecializationSettings, be_geo_id: str, spec: Specialization, proposed: dict[str, str], today: date,
    *, replacing_roles: set[str],
) -> list[dict]:
    """Every unmet requirement of putting ``proposed`` {role: cco_id} into the roles (SP-3, SP-4, SP-5)."""
    unmet: list[dict] = []
    people = set(proposed.values())
    person = await repository.person_facts(uow.conn, people)
    joined = await repository.person_memberships(uow.conn, people)
    replacements = await repository.replacements(uow.conn)
    certifications = await repository.certifications(uow.conn)
    held_rows = (
        await uow.conn.execute(select(allocations).where(allocations.c.cco_id.in_(people), allocations.c.ended_on.is_(None)))
    ).all()
    for role, cco_id in sorted(proposed.items()):
        requirement = spec.describe_role(role)
        if member_until(joined.get(cco_id, []), be_geo_id, today) is None:
            unmet.append({"role": role, "cco_id": cco_id, "rule": "ID-1", "reason": f"{cco_id} is not a current member of {be_geo_id}"})
        q = qualify(spec.roles.get(role, ()), person[cco_id], replacements, today, certifications)
        if not q.qualified:
            unmet.append({
                "role": role, "cco_id": cco_id, "rule": "SP-3", "requirement": requirement,
                "reason": f"{cco_id} does not qualify under requirements version {spec.version}: {q.missing}",
            })
    for cco_id in sorted(people):
        held = [
            Seat(r.be_geo_id, r.specialization, r.role)
            for r in held_rows
            if r.cco_id == cco_id and not (r.be_geo_id == be_geo_id and r.specialization == spec.code and r.role in replacing_roles)
        ]
        wanted = [Seat(be_geo_id, spec.code, role) for role, who in proposed.items() if who == cco_id]
        why = limit_violation(held, wanted, max_roles=pol.max_roles_per_person, max_specializations=pol.max_specializations_per_person)
        if why:
            unmet.append({"cco_id": cco_id, "rule": "SP-5", "reason": f"{cco_id} {why}"})
    return unmet


async def apply(
    db: Database, pol: SpecializationSettings, today: date, be_geo_id: str, code: str, roles: dict[str, str], by: str
) -> Outcome:
    rules = pol.rules()
    async with db.uow(today=today, settings=pol) as uow:
        spec = (await _versions(uow, code)).in_force(today)  # SP-3: the version in force on the submission date
        proposed = {role: await repository.resolve(uow.conn, who) for role, who in roles.items()}
        extra = sorted(set(proposed) - set(spec.roles))
        if extra:
            raise Unprocessable(f"{code} has no job role {', '.join(extra)}; its roles are {', '.join(spec.roles)}.", slug="unknown-role")
        row = await repository.partner_specialization(uow.conn, be_geo_id, code)
        state = repository.state_of(row) if row else None
        if state is not None and state.held:
            raise Conflict(
                f"{be_geo_id} already holds {code} ({state.status}); refill a role with PUT .../roles/{{role}}.",
                slug="already-held",
            )
        reactivated = await _judge_application(uow, pol, be_geo_id, spec, proposed, state, today)
        kind = "new" if reactivated is None else "reactivation"
        new, transition = reactivated if reactivated is not None else (lc.approve(today, be_geo_id, code), None)
        await _approve(uow, be_geo_id, spec, proposed, row, new, transition, today, rules)
        await _record(uow, be_geo_id, code, kind, today, by, roles, spec.version)
        await uow.commit()
    return Outcome(kind, today, spec.version)


async def _judge_application(
    uow: UnitOfWork,
    pol: SpecializationSettings,
    be_geo_id: str,
    spec: Specialization,
    proposed: dict[str, str],
    state: lc.SpecState | None,
    today: date,
) -> tuple[lc.SpecState, lc.Transition] | None:
    """Every unmet requirement of the application at once (422 naming them all); None for a new approval, or
    the reactivated state and its event while a loss blocks new applications (SP-11, SP-12)."""
    code = spec.code
    unmet = [
        {"role": role, "rule": "SP-2", "reason": f"no holder proposed for {role}", "requirement": spec.describe_role(role)}
        for role in spec.roles
        if role not in proposed
    ]
    unmet += await check_people(uow, pol, be_geo_id, spec, proposed, today, replacing_roles=set(spec.roles))
    result: tuple[lc.SpecState, lc.Transition] | list[str] | None = None
    if state is not None and lc.blocked_for_new_application(state, today):
        # SP-12: only reactivation is open during the block (SP-11)
        required = (await repository.level_points(uow.conn)).get(spec.level, 0)
        gathered = await assessments.gather(uow.conn, assessments.one(be_geo_id, code), today)
        a = assessments.assessment_for(gathered, (be_geo_id, code), spec, required, today, True)
        a = lc.Assessment(a.points_earned, a.points_required, a.mandatory_outstanding, (), True)
        result = lc.reactivate(state, a, today, pol.rules())
        if isinstance(result, list):
            unmet += [{"rule": "SP-11", "reason": reason} for reason in result]
            unmet.append(
                {"rule": "SP-12", "reason": f"lost on {state.lost_on}: no new application through {state.blocked_until}; reactivation needs the points and the core"}
            )
    if unmet:
        raise Unprocessable(
            f"The application for {code} does not meet {len(unmet)} requirement(s) of requirements version {spec.version}.",
            slug="requirements-not-met", unmet=_named(unmet, spec), requirements_version=spec.version,
        )
    assert not isinstance(result, list)
    return result


async def _approve(
    uow: UnitOfWork,
    be_geo_id: str,
    spec: Specialization,
    proposed: dict[str, str],
    row: Row[Any] | None,
    new: lc.SpecState,
    transition: lc.Transition | None,
    today: date,
    rules: lc.Rules,
) -> None:
    """The proposed holders fill their roles, the partner's state is written and announced (SP-13 icon)."""
    code = spec.code
    await _end_other_holders(uow, be_geo_id, code, proposed, today)
    ids = await _allocate(uow, be_geo_id, code, proposed, today)
    required = (await repository.level_points(uow.conn)).get(spec.level, 0)
    key = (be_geo_id, code)
    judged = (await icons.judge(uow.conn, {key: new}, {key: required}, today, rules))[key]
    values = cycle.row_values(new, today, rules, judged)
    values["compliant"] = True
    values["requirements_version"] = spec.version
    if row is None:
        await uow.conn.execute(ps.insert().values(be_geo_id=be_geo_id, specialization=code, **values))
    else:
        await uow.conn.execute(update(ps).where(ps.c.be_geo_id == be_geo_id, ps.c.specialization == code).values(**values))
    if transition is not None:
        uow.emit(transition)  # the decision is the contract event
    events.status_changed(
        uow, be_geo_id, code, spec.level, new, required, True, icon=judged.icon,
        status="reactivated" if transition else "approved", name=spec.name,
    )
    await compliance.refresh_allocation_ids(uow, ids, today)


async def _end_other_holders(
    uow: UnitOfWork, be_geo_id: str, code: str, proposed: dict[str, str], today: date, *, only: set[str] | None = None
) -> None:
    rows = (
        await uow.conn.execute(
            select(allocations).where(
                allocations.c.be_geo_id == be_geo_id, allocations.c.specialization == code, allocations.c.ended_on.is_(None)
            )
        )
    ).all()
    for r in rows:  # a holder kept in the same role keeps their allocation
        if only is not None and r.role not in only:
            continue
        if proposed.get(r.role) != r.cco_id:
            await uow.conn.execute(update(allocations).where(allocations.c.id == r.id).values(ended_on=today, end_reason="replaced"))


async def _allocate(uow: UnitOfWork, be_geo_id: str, code: str, proposed: dict[str, str], today: date) -> list[int]:
    active = {
        r.role: r
        for r in (
            await uow.conn.execute(
                select(allocations).where(
                    allocations.c.be_geo_id == be_geo_id, allocations.c.specialization == code, allocations.c.ended_on.is_(None)
                )
            )
        ).all()
    }
    ids = []
    for role, cco_id in sorted(proposed.items()):
        if role in active and active[role].cco_id == cco_id:
            ids.append(active[role].id)
            continue
        result = await uow.conn.execute(
            allocations.insert().values(
                be_geo_id=be_geo_id, specialization=code, role=role, cco_id=cco_id, started_on=today, at_risk_sent=False
            )
        )
        ids.append(result.inserted_primary_key[0])
    return ids


async def _record(uow: UnitOfWork, be_geo_id: str, code: str, kind: str, today: date, by: str, roles: dict, version: int) -> None:
    await uow.conn.execute(
        applications.insert().values(
            be_geo_id=be_geo_id, specialization=code, kind=kind, submitted_on=today, submitted_by=by, roles=roles,
            outcome="approved" if kind != "renewal" else "submitted", unmet=[], requirements_version=version,
            created_at=datetime.now(UTC),
        )
    )


async def refill(
    db: Database, pol: SpecializationSettings, today: date, be_geo_id: str, code: str, role: str, cco_id: str, by: str
) -> None:
    """SP-14: a vacant (or handed-over) role gets a qualifying member; SP-5 is checked again."""
    async with db.uow(today=today, settings=pol) as uow:
        history = await _versions(uow, code)
        row = await repository.partner_specialization(uow.conn, be_geo_id, code)
        if row is None:
            raise NotFound(f"{be_geo_id} does not hold {code}; apply first.", code=code)
        spec = history.numbered(row.requirements_version)  # the version the partner's holders are judged by
        if role not in spec.roles:
            raise NotFound(f"{code} has no job role {role}.", code=code, role=role)
        if row.status == "lost":
            raise Conflict(f"{code} was lost on {row.lost_on}; resubmit an application to reactivate it (SP-11).", slug="lost")
        cco_id = await repository.resolve(uow.conn, cco_id)
        unmet = await check_people(uow, pol, be_geo_id, spec, {role: cco_id}, today, replacing_roles={role})
        if unmet:
            raise Unprocessable(
                f"{cco_id} cannot fill {role} of {code} (requirements version {spec.version}).",
                slug="requirements-not-met", unmet=_named(unmet, spec), requirements_version=spec.version,
            )
        await _end_other_holders(uow, be_geo_id, code, {role: cco_id}, today, only={role})
        ids = await _allocate(uow, be_geo_id, code, {role: cco_id}, today)
        await compliance.refresh_allocation_ids(uow, ids, today)
        await compliance.update_compliance(uow, [(be_geo_id, code)], today)
        await cycle.reassess(uow, [(be_geo_id, code)], today)
        await uow.commit()


async def submit_renewal(db: Database, pol: SpecializationSettings, today: date, be_geo_id: str, code: str, by: str) -> int:
    """SP-9: in the 90 days before the anniversary (and during grace). The decision stays on the anniversary.

    SP-3: the submission is judged by the requirements version in force on its date: every current holder must
    qualify under it (422 naming each unmet requirement and the version, changing nothing); accepted, the partner's
    holders are judged by that version from now on. A vacancy does not refuse a submission: it is judged on the
    anniversary (SP-14). Returns the version."""
    rules = pol.rules()
    async with db.uow(today=today, settings=pol) as uow:
        history = await _versions(uow, code)
        row = await repository.partner_specialization(uow.conn, be_geo_id, code)
        if row is None:
            raise NotFound(f"{be_geo_id} does not hold {code}.", code=code)
        state = repository.state_of(row)
        if state.status == "lost":
            raise Conflict(f"{code} was lost on {state.lost_on}; resubmit an application to reactivate it (SP-11).", slug="lost")
        if not lc.can_submit_renewal(state, today, rules):
            raise Conflict(
                f"The renewal window for {code} opens on {lc.window_opens_on(state, rules)} (90 days before the anniversary {state.anniversary}).",
                slug="renewal-window-closed",
                opens_on=lc.window_opens_on(state, rules).isoformat(),
            )
        spec = history.in_force(today)
        holders = {role: r.cco_id for role, r in (await compliance.filled_roles(uow, be_geo_id, code, today)).items()}
        unmet = [
            {"role": role, "cco_id": cco_id, "rule": "SP-3", "reason": f"{cco_id} holds {role}, a role requirements version {spec.version} no longer has"}
            for role, cco_id in sorted(holders.items())
            if role not in spec.roles
        ]
        kept = {role: cco_id for role, cco_id in holders.items() if role in spec.roles}
        unmet += [u for u in await check_people(uow, pol, be_geo_id, spec, kept, today, replacing_roles=set(kept)) if u["rule"] != "SP-5"]
        if unmet:
            raise Unprocessable(
                f"The renewal of {code} does not meet {len(unmet)} requirement(s) of requirements version {spec.version}.",
                slug="requirements-not-met", unmet=_named(unmet, spec), requirements_version=spec.version,
            )
        await uow.conn.execute(
            update(ps)
            .where(ps.c.be_geo_id == be_geo_id, ps.c.specialization == code)
            .values(submitted=True, requirements_version=spec.version)
        )
        await _record(uow, be_geo_id, code, "renewal", today, by, kept, spec.version)
        if spec.version != row.requirements_version:
            await compliance.refresh_partner_specialization(uow, be_geo_id, code, today)
            await compliance.update_compliance(uow, [(be_geo_id, code)], today)
        await cycle.reassess(uow, [(be_geo_id, code)], today)
        await uow.commit()
    return spec.version
