"""The Nu HTML checker (vnu.jar) finds no error on any page of the site.

vnu.jar comes from the ``vnu-jar`` package of the npm registry, installed by
``tools/install-site-tools.sh`` (the nox session does it and passes the path in ``VNU_JAR``).
It runs once, on every page, and each page's errors are then asserted separately.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import sitecrawl
from site_report import record

#: Errors in markup that this project does not write, each with the reason it is accepted.
#: Keep this list short; prefer a template override in docs/_templates.
IGNORED: dict[str, str] = {}


def _vnu_jar() -> Path:
    configured = os.environ.get("VNU_JAR")
    default = sitecrawl.REPO / ".nox/site-tools/node_modules/vnu-jar/build/dist/vnu.jar"
    jar = Path(configured) if configured else default
    if not jar.is_file():
        pytest.fail(f"{jar} is missing; run tools/install-site-tools.sh (nox -s site does)")
    return jar


@pytest.fixture(scope="session")
def vnu_errors() -> dict[str, list[str]]:
    """Per page, the validator's error messages (with line numbers) not in IGNORED."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing; install it with tools/install-system-deps.sh")
    files = [str(sitecrawl.SITE / page) for page in sitecrawl.pages()]
    result = subprocess.run(
        [
            java,
            "-jar",
            str(_vnu_jar()),
            "--format",
            "json",
            "--errors-only",
            "--exit-zero-always",
            *files,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors: dict[str, list[str]] = {page: [] for page in sitecrawl.pages()}
    for message in messages:
        path = Path(unquote(urlsplit(message.get("url", "")).path))
        page = path.relative_to(sitecrawl.SITE).as_posix()
        text = message.get("message", "")
        if any(re.search(pattern, text) for pattern in IGNORED):
            continue
        errors.setdefault(page, []).append(f"line {message.get('lastLine', '?')}: {text}")
    return errors


def test_no_validator_errors(html_page: str, vnu_errors: dict[str, list[str]]) -> None:
    errors = vnu_errors[html_page]
    record(html_page, "validator errors", len(errors))
    assert errors == []
