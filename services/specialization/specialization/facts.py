"""The old name of ``specialization.repository``, kept only for ``use_cases/projections.py``: that module is being
rewritten on the identity-mirror branch, which owns it. Delete this file when that branch lands."""

from specialization.repository import resolve

__all__ = ["resolve"]
