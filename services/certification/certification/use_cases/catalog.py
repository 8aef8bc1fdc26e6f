"""Exam and certification catalogs (CE-1, CE-2, CE-4): program staff maintain them; certifications by versions."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from certification import repository
from certification.domain.catalog import (
    CatalogError,
    CertificationDef,
    ExamDef,
    announce,
    check_certification,
    check_exam,
    next_version,
    version_in_force,
)
from certification.tables import certification_versions, exams
from partnerhub.bus.contracts import ExamReplaced, RequirementsChanged
from partnerhub.db.uow import Database
from partnerhub.errors import Conflict, NotFound, Unprocessable


async def put_exam(db: Database, today: date, exam: ExamDef) -> tuple[ExamDef, bool]:
    """Create or replace an exam: the exam as stored, and True when it was created.

    CE-1: a new or changed replacement announcement is published (``certification.exam.replaced``) in the
    same transaction; writing the same exam again publishes nothing.
    """
    async with db.uow() as uow:
        catalog = await repository.load_catalog(uow.conn)
        before = catalog.exams.get(exam.number)
        merged = dict(catalog.exams)
        merged[exam.number] = exam
        try:
            check_exam(exam, merged)
            exam, announcement = announce(before, exam, today)
        except CatalogError as exc:
            raise Unprocessable(str(exc), slug="invalid-exam", number=exam.number) from exc
        values = asdict(exam) | {"updated_at": datetime.now(UTC)}
        await uow.conn.execute(
            repository.upsert_columns(db, exams, ["number"], [k for k in values if k != "number"]), [values]
        )
        await repository.catalog_changed(uow.conn)
        if announcement is not None:
            uow.emit(
                ExamReplaced(
                    old_number=announcement.old,
                    new_number=announcement.new,
                    required=announcement.required,
                    effective_on=announcement.effective_on,
                    announced_on=announcement.announced_on,
                )
            )
        await uow.commit()
    return exam, before is None


@dataclass(frozen=True)
class CertificationVersions:
    """A certification as the API shows it: the version in force on ``today`` and every version."""

    in_force: CertificationDef
    versions: tuple[CertificationDef, ...]


async def put_certification(
    db: Database, today: date, cert: CertificationDef, effective_on: date | None = None
) -> tuple[CertificationVersions, bool]:
    """Add a version of a certification's requirements (CE-4); True when the certification was created.

    The new version and its ``certification.requirements.changed`` commit together; a write with the
    latest version's requirements adds nothing and publishes nothing. Versions already written are never
    changed (``next_version`` says which writes are refused).
    """
    async with db.uow() as uow:
        catalog = await repository.load_catalog(uow.conn)
        history = catalog.versions.get(cert.code, ())
        try:
            new = next_version(history, cert, effective_on, today)
            if new is not None:
                check_certification(new, catalog)
        except CatalogError as exc:
            raise Unprocessable(str(exc), slug="invalid-certification", code=cert.code) from exc
        if new is not None:
            try:
                await uow.conn.execute(
                    certification_versions.insert(), [repository.version_row(new) | {"created_at": datetime.now(UTC)}]
                )
            except IntegrityError as exc:
                raise Conflict(
                    f"another write of certification {cert.code} came first; read it and try again", code=cert.code
                ) from exc
            await repository.catalog_changed(uow.conn)
            uow.emit(_published(new))
            history = (*history, new)
            await uow.commit()
    return CertificationVersions(version_in_force(history, today), history), not catalog.versions.get(cert.code)


def _published(version: CertificationDef) -> RequirementsChanged:
    return RequirementsChanged(
        code=version.code,
        name=version.name,
        kind=version.kind,
        version=version.version,
        effective_on=version.effective_on,
        required_exams=[list(a) for a in version.required_exams],
        renewal_exams=[list(a) for a in version.renewal_exams] if version.renewal_exams else None,
        prerequisites=list(version.prerequisites),
        validity_months=version.validity_months,
    )


async def list_exams(db: Database) -> list[ExamDef]:
    async with db.engine.connect() as conn:
        rows = (await conn.execute(select(exams).order_by(exams.c.number))).all()
    return [repository.exam_def(r) for r in rows]


async def get_exam(db: Database, number: str) -> ExamDef:
    async with db.engine.connect() as conn:
        row = (await conn.execute(select(exams).where(exams.c.number == number))).first()
    if row is None:
        raise NotFound(f"No exam {number} in the catalog.", number=number)
    return repository.exam_def(row)


async def list_certifications(db: Database, today: date) -> list[CertificationDef]:
    """Each certification's version in force today."""
    async with db.engine.connect() as conn:
        catalog = await repository.load_catalog(conn)
    return [catalog.in_force(code, today) for code in sorted(catalog.versions)]


async def get_certification(db: Database, today: date, code: str) -> CertificationVersions:
    async with db.engine.connect() as conn:
        history = tuple(await repository.load_versions(conn, code))
    if not history:
        raise NotFound(f"No certification {code} in the catalog.", code=code)
    return CertificationVersions(version_in_force(history, today), history)
