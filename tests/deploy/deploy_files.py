"""Shared helpers of the deployment checks: the repository's files, the tools the Makefile installs."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[2]
K8S = ROOT / "deploy" / "k8s"
BIN = Path(sys.executable).parent


def tool(name: str, installed_by: str) -> str:
    """A tool's path: the project's own copy first. Missing: a failure under CI=true, else a skip."""
    candidates = [BIN / name, ROOT / ".tools" / "npm" / "node_modules" / ".bin" / name]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed ({installed_by})"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
    raise AssertionError("unreachable")


def manifests() -> list[Path]:
    return sorted(K8S.glob("*.yaml"))


def documents() -> list[tuple[Path, dict]]:
    """Every Kubernetes object of deploy/k8s with the file it is in."""
    found = []
    for path in manifests():
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                found.append((path, document))
    return found


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())
