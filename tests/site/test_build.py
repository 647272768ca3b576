"""Trustworthy builds: reproducible output, and an execution cache that never serves stale
results.

The site is built again in a scratch copy of the repository, three times (``rebuilds``):

1. cold, from an empty execution cache: every page is executed. Its output must be
   byte-identical to the site under test (``docs/_build/html``, built by the same session in
   another directory), and it must write nothing to stderr;
2. again with nothing changed: nothing may be executed or even read again, and the site it
   writes is the cold build's, byte for byte (search index included);
3. after an edit to a function of the package that changes no result: every executed page
   is executed again (they all import the package, whose source names the cache), and the
   pages and their figures come out byte-identical.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import rebuilds
import sitecrawl
from rebuilds import Rebuilds
from site_report import record


def _differences(ours: dict[str, str], theirs: dict[str, str]) -> list[str]:
    return sorted(
        name for name in ours.keys() | theirs.keys() if ours.get(name) != theirs.get(name)
    )


@pytest.fixture(scope="module")
def builds() -> Iterator[Rebuilds]:
    result = rebuilds.start_in_background().result()
    record("(build)", "cold build s", result.cold.seconds)
    record("(build)", "warm build s", result.warm.seconds)
    yield result
    rebuilds.remove_scratch()


def test_a_clean_build_reproduces_the_site_byte_for_byte(builds: Rebuilds) -> None:
    site = rebuilds.digests(sitecrawl.SITE)
    assert _differences(builds.cold_digests, site) == []


def test_the_build_writes_nothing_to_stderr(builds: Rebuilds) -> None:
    assert builds.cold.stderr == ""
    assert builds.warm.stderr == ""
    assert builds.edited.stderr == ""


def test_a_cold_build_executes_every_page(builds: Rebuilds) -> None:
    expected = set(sitecrawl.executed_pages(builds.docs))
    assert expected, "no page is executed; the cache tests would prove nothing"
    assert builds.cold.executed(builds.docs) == expected


def test_an_unchanged_tree_executes_and_reads_nothing(builds: Rebuilds) -> None:
    # Positive control: the same log readers see the cold build execute and read pages, so
    # the empty answers below mean that nothing happened, not that the log went unread.
    assert builds.cold.executed(builds.docs)
    assert builds.cold.read()
    assert builds.warm.executed(builds.docs) == set()
    assert builds.warm.read() == []


def test_a_rebuild_with_nothing_changed_writes_the_same_site(builds: Rebuilds) -> None:
    assert _differences(builds.warm_digests, builds.cold_digests) == []


def test_editing_a_function_executes_every_page_again(builds: Rebuilds) -> None:
    expected = set(sitecrawl.executed_pages(builds.docs))
    assert builds.edited.executed(builds.docs) == expected, builds.edited_file


def test_executing_again_gives_the_same_bytes(builds: Rebuilds) -> None:
    # The executed pages and the figures: the edit is in the package, whose API pages may
    # show it.
    executed = {f"{docname}.html" for docname in builds.edited.executed(builds.docs)}

    def outputs(digests: dict[str, str]) -> dict[str, str]:
        return {
            name: digest
            for name, digest in digests.items()
            if name in executed or name.startswith("_images/")
        }

    assert executed
    assert _differences(outputs(builds.edited_digests), outputs(builds.cold_digests)) == []
