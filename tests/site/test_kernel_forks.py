"""docs/_ext/kernel_forks.py: kernels forked from a process that has imported the modules
every page imports, each as fresh as a new process, and ended with the build."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SCENARIO = Path(__file__).with_name("kernel_scenario.py")


def _scenario(*preload: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, str(SCENARIO), *preload],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    report: dict[str, Any] = json.loads(result.stdout)
    return report


@pytest.fixture(scope="module")
def forked() -> dict[str, Any]:
    return _scenario("colorsys")


@pytest.fixture(scope="module")
def started() -> dict[str, Any]:
    return _scenario()


def test_without_preloading_a_kernel_is_a_process_of_its_own(started: dict[str, Any]) -> None:
    # The control: the probe sees a kernel started by the build, with nothing preloaded.
    for kernel in (started["first"], started["second"]):
        assert int(kernel[1]) == started["scenario"]
        assert kernel[2] == "False"


def test_a_kernel_is_forked_with_the_modules_imported(forked: dict[str, Any]) -> None:
    for kernel in (forked["first"], forked["second"]):
        assert int(kernel[1]) == forked["server"]
        assert kernel[2] == "True"
    assert forked["first"][0] != forked["second"][0]


def test_what_a_page_changes_stays_in_its_kernel(
    forked: dict[str, Any], started: dict[str, Any]
) -> None:
    # The first notebook changed the imported module; the second sees it untouched.
    assert forked["second_touched"] == started["second_touched"] == "False"


def test_a_kernel_ends_with_its_page(forked: dict[str, Any]) -> None:
    # nbclient shuts it down at once, by killing the process it started: the stand-in.
    assert forked["first_ended"]


def test_an_interrupt_reaches_the_kernel(forked: dict[str, Any], started: dict[str, Any]) -> None:
    assert forked["interrupt"] == started["interrupt"] == "waiting\ninterrupted\n"


def test_the_fork_server_ends_and_removes_its_socket(forked: dict[str, Any]) -> None:
    assert forked["server_ended"]
    assert forked["socket"]
    assert not forked["socket_left"]
