"""Exam and certification catalogs (CE-1, CE-2, CE-4): program staff maintain them."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

from sqlalchemy import select

from certification import store
from certification.domain.catalog import (
    CatalogError,
    CertificationDef,
    ExamDef,
    announce,
    check_certification,
    check_exam,
)
from certification.tables import certifications, exams
from partnerhub.bus.contracts import ExamReplaced
from partnerhub.db.uow import Database
from partnerhub.errors import NotFound, Unprocessable


async def put_exam(db: Database, exam: ExamDef) -> tuple[ExamDef, bool]:
    """Create or replace an exam: the exam as stored, and True when it was created.

    CE-1: a new or changed replacement announcement is published (``certification.exam.replaced``) in the
    same transaction; writing the same exam again publishes nothing.
    """
    async with db.uow() as uow:
        catalog = await store.load_catalog(uow.conn)
        before = catalog.exams.get(exam.number)
        merged = dict(catalog.exams)
        merged[exam.number] = exam
        try:
            check_exam(exam, merged)
            exam, announcement = announce(before, exam, await uow.today())
        except CatalogError as exc:
            raise Unprocessable(str(exc), slug="invalid-exam", number=exam.number) from exc
        values = asdict(exam) | {"updated_at": datetime.now(UTC)}
        await uow.conn.execute(
            store.upsert_columns(db, exams, ["number"], [k for k in values if k != "number"]), [values]
        )
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


async def put_certification(db: Database, cert: CertificationDef) -> bool:
    async with db.uow() as uow:
        catalog = await store.load_catalog(uow.conn)
        try:
            check_certification(cert, catalog)
        except CatalogError as exc:
            raise Unprocessable(str(exc), slug="invalid-certification", code=cert.code) from exc
        created = cert.code not in catalog.certifications
        values = {
            "code": cert.code,
            "name": cert.name,
            "kind": cert.kind,
            "required_exams": [list(a) for a in cert.required_exams],
            "renewal_exams": [list(a) for a in cert.renewal_exams] if cert.renewal_exams else None,
            "prerequisites": list(cert.prerequisites),
            "validity_months": cert.validity_months,
            "updated_at": datetime.now(UTC),
        }
        await uow.conn.execute(
            store.upsert_columns(db, certifications, ["code"], [k for k in values if k != "code"]), [values]
        )
        await uow.commit()
    return created


async def list_exams(db: Database) -> list[ExamDef]:
    async with db.engine.connect() as conn:
        rows = (await conn.execute(select(exams).order_by(exams.c.number))).all()
    return [store.exam_def(r) for r in rows]


async def get_exam(db: Database, number: str) -> ExamDef:
    async with db.engine.connect() as conn:
        row = (await conn.execute(select(exams).where(exams.c.number == number))).first()
    if row is None:
        raise NotFound(f"No exam {number} in the catalog.", number=number)
    return store.exam_def(row)


async def list_certifications(db: Database) -> list[CertificationDef]:
    async with db.engine.connect() as conn:
        rows = (await conn.execute(select(certifications).order_by(certifications.c.code))).all()
    return [store.certification_def(r) for r in rows]


async def get_certification(db: Database, code: str) -> CertificationDef:
    async with db.engine.connect() as conn:
        row = (await conn.execute(select(certifications).where(certifications.c.code == code))).first()
    if row is None:
        raise NotFound(f"No certification {code} in the catalog.", code=code)
    return store.certification_def(row)
