"""Trustworthy builds: reproducible output, and an execution cache that never serves stale
results.

The site is built again in a scratch copy of the repository, three times (``rebuilds``):

1. clean (no HTML, no doctrees), with the execution cache of the site under test: its output
   must be byte-identical to that site (``docs/_build/html``, built by the same session in
   another directory);
2. again with nothing changed: nothing may be executed or even read again, and the site it
   writes is the clean build's, byte for byte (search index included);
3. after an edit to a function of the package that changes no result: the cache is named
   after the package's source, so this build starts from an empty cache, and every executed
   page is executed again; the pages and their figures come out byte-identical to the site
   under test, which executed them separately.

No build may write to stderr.
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
    record("(build)", "cold build s", result.edited.seconds)
    record("(build)", "warm build s", result.warm.seconds)
    yield result
    rebuilds.remove_scratch()


def test_a_clean_build_reproduces_the_site_byte_for_byte(builds: Rebuilds) -> None:
    site = rebuilds.digests(sitecrawl.SITE)
    assert _differences(builds.clean_digests, site) == []


def test_the_build_writes_nothing_to_stderr(builds: Rebuilds) -> None:
    assert builds.clean.stderr == ""
    assert builds.warm.stderr == ""
    assert builds.edited.stderr == ""


def test_a_clean_build_takes_the_outputs_from_the_cache(builds: Rebuilds) -> None:
    # It reads every page (no doctrees) but executes none: the cache of the site under test
    # holds every page's outputs for this source, Python and numerics.
    assert builds.clean.read()
    assert builds.clean.executed(builds.docs) == set()


def test_an_unchanged_tree_executes_and_reads_nothing(builds: Rebuilds) -> None:
    # Positive control: the same log readers see the other builds execute and read pages, so
    # the empty answers below mean that nothing happened, not that the log went unread.
    assert builds.edited.executed(builds.docs)
    assert builds.clean.read()
    assert builds.warm.executed(builds.docs) == set()
    assert builds.warm.read() == []


def test_a_rebuild_with_nothing_changed_writes_the_same_site(builds: Rebuilds) -> None:
    assert _differences(builds.warm_digests, builds.clean_digests) == []


def test_editing_a_function_executes_every_page_again(builds: Rebuilds) -> None:
    # The edit names a new cache, empty: a cold build, which must execute every page.
    expected = set(sitecrawl.executed_pages(builds.docs))
    assert expected, "no page is executed; the cache tests would prove nothing"
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
    site = rebuilds.digests(sitecrawl.SITE)
    differences = _differences(outputs(builds.edited_digests), outputs(site))
    assert differences == [], rebuilds.describe_differences(
        differences, builds.docs / "_build" / "html", sitecrawl.SITE
    )
