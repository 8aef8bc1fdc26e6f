"""The old name of ``certification.repository``, kept only for ``use_cases/identity.py``: that module is being
rewritten on the identity-mirror branch, which owns it. Delete this file when that branch lands."""

from certification.repository import load_catalog, lock_holders, resolve, upsert

__all__ = ["load_catalog", "lock_holders", "resolve", "upsert"]
