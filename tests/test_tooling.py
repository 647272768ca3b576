"""The project's tooling agrees with itself: pre-commit, CI and the README run the same checks."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
LINT_HOOK_ENTRY = "python3 tools/run-nox.py -s lint"


def _name(requirement: str) -> str:
    """The distribution a requirement names, e.g. ``ruff`` for ``ruff>=0.6``."""
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower()


def _lint_group() -> set[str]:
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {_name(entry) for entry in groups["dependency-groups"]["lint"] if isinstance(entry, str)}


def _hooks() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return [(repo, hook) for repo in config["repos"] for hook in repo["hooks"]]


def test_no_pre_commit_hook_brings_its_own_copy_of_a_lint_tool() -> None:
    lint_tools = _lint_group()
    assert {"ruff", "mypy"} <= lint_tools
    for repo, hook in _hooks():
        if repo["repo"] == "local":
            continue
        tool = hook["id"].split("-")[0].lower()
        dependencies = {_name(dep) for dep in hook.get("additional_dependencies", [])}
        assert tool not in lint_tools, (
            f"hook {hook['id']} runs {tool} from {repo['repo']} at {repo['rev']}, with versions "
            "of its own; run it through the lint session instead"
        )
        assert not dependencies & {"ruff", "mypy"}, hook["id"]


def test_pre_commit_runs_the_lint_session() -> None:
    entries = [hook.get("entry") for repo, hook in _hooks() if repo["repo"] == "local"]
    assert LINT_HOOK_ENTRY in entries


def test_ci_runs_the_readme_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```console\n(.*?)```", readme, flags=re.DOTALL)
    commands = [line for block in blocks for line in block.splitlines() if "run-nox.py" in line]
    test_command = next(line for line in commands if " site" in line)
    docs_command = next(line for line in commands if line.endswith("-s docs"))
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # With the Python on the PATH, and with Debian's own, which CI names $debian.
    for command in (test_command, docs_command):
        assert command in ci
        assert command.replace("python3", '"$debian"', 1) in ci
