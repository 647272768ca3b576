"""The playground page in Chromium, offline: what a reader can do with it, and what it shows.

Every visit goes through the suite's offline tabs (requests to hosts other than 127.0.0.1 are
blocked) and ends with no console error and no failed request. The claims of the page are
checked on runs: a shock raises the dead count; with ReLU the shocked first layer stays dead
however long it trains; with Leaky ReLU 0.2 dead units come back; a preset's text states its
settings; recycling the dormant units of the dormant preset brings their count down. Long runs
are reached through the URL, which replays a run to the step it names,
exactly as training to that step would (the step-by-step test below checks that).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sitecrawl
from axe_core import WCAG_TAGS, run_axe
from playwright.sync_api import Browser, FloatRect, Page, expect
from tabs import PLAYGROUND_READY as READY
from tabs import Tab

PAGE = "playground.html"
PRESETS = [
    "preset-relu-shock",
    "preset-leaky-shock",
    "preset-high-learning-rate",
    "preset-born-dead",
    "preset-vanishing-sigmoid",
    "preset-dormant",
]
#: The accessible names of the controls, as the specification of the page lists them.
CONTROL_NAMES = [
    "Activation",
    "Negative slope",
    "Learning rate",
    "Depth",
    "Width",
    "Seed",
    "Data set",
    "Bias initialisation",
    "Shock layer",
    "Shock size",
    "Dormancy threshold \u03c4",
]
BUTTON_NAMES = ["Train", "Step", "Reset", "Shock", "Recycle dormant units"]
TAU = "Dormancy threshold \u03c4"
#: A run with dead units and dormant ones that are not dead, and a dormant unit selected.
DORMANT_RUN = "#lr=1&step=300&unit=2.2"


# --- Helpers ------------------------------------------------------------------------------------


class Visits:
    """The tabs of one test, each opening the playground at an address."""

    def __init__(self, new_tab: Callable[[], Tab], site_url: str) -> None:
        self.new_tab = new_tab
        self.site_url = site_url
        self.tabs: list[Tab] = []

    def open(
        self,
        fragment: str = "",
        *,
        reduced_motion: bool = False,
        clock: bool = False,
        width: int = 1280,
    ) -> Page:
        """A new tab on the playground at ``fragment``, once its run is loaded.

        With ``clock``, the page runs on Playwright's clock, from time 0: its timers,
        animation frames and ``performance.now`` then move only as far as a test advances
        them (once it has paused the clock with :func:`hold_clock`).
        """
        tab = self.new_tab()
        self.tabs.append(tab)
        if reduced_motion:
            tab.page.emulate_media(reduced_motion="reduce")
        if clock:
            tab.page.clock.install(time=0)
        if width != 1280:
            tab.page.set_viewport_size({"width": width, "height": 844})
        tab.open(self.site_url + PAGE + fragment)
        tab.page.wait_for_function(READY)
        return tab.page

    def reopen(self, fragment: str) -> Page:
        """Open a run's full address, as a reader following a shared link would."""
        page = self.open(fragment)
        assert page.evaluate("location.hash") == fragment
        return page


@pytest.fixture
def visit(new_tab: Callable[[], Tab], site_url: str) -> Iterator[Visits]:
    """The test's tabs; every one must end without console errors or failed requests."""
    visits = Visits(new_tab, site_url)
    yield visits
    for tab in visits.tabs:
        assert tab.console_errors == []
        assert tab.failed_requests == []
        assert tab.blocked == []


def hold_clock(page: Page) -> None:
    """Stop the page's clock: from now on only ``page.clock.run_for`` moves time on."""
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)


def draws(page: Page) -> int:
    """How many times the playground has drawn itself (it counts them in ``data-draws``)."""
    return int(page.locator("#pg-playground").get_attribute("data-draws") or "0")


def step(page: Page) -> int:
    return int(page.locator("#pg-step-count").inner_text())


def dead_total(page: Page) -> int:
    text = page.get_by_label("Dead units", exact=True).inner_text()
    match = re.match(r"(\d+) of (\d+)", text)
    assert match is not None, text
    return int(match.group(1))


def dormant_total(page: Page) -> tuple[int, str]:
    """The dormant count and the tau it names, from "k of n (tau = t)"."""
    text = page.get_by_label("Dormant units", exact=True).inner_text()
    match = re.fullmatch(r"(\d+) of (\d+) \(\u03c4 = ([\d.]+)\)", text)
    assert match is not None, text
    return int(match.group(1)), match.group(3)


def dead_in_layer(page: Page, layer: int) -> tuple[int, int]:
    text = page.locator(f"#pg-dead-layer-{layer}").inner_text()
    match = re.fullmatch(r"(\d+) of (\d+) dead", text)
    assert match is not None, text
    return int(match.group(1)), int(match.group(2))


def dead_units(page: Page, mark: str = "dead") -> set[str]:
    """The names of the unit tiles that say they are dead (or ``mark``), e.g. "Layer 1, unit 3"."""
    labels = page.locator(".pg-unit").evaluate_all("(tiles) => tiles.map((t) => t.ariaLabel)")
    return {label.removesuffix(f", {mark}") for label in labels if label.endswith(f", {mark}")}


def hash_of(page: Page) -> dict[str, str]:
    fragment: str = page.evaluate("location.hash")
    return dict(part.split("=", 1) for part in fragment.removeprefix("#").split("&"))


def with_step(page: Page, new_step: int) -> str:
    """The current run's address with another step."""
    state = hash_of(page)
    state["step"] = str(new_step)
    return "#" + "&".join(f"{key}={value}" for key, value in state.items())


def train_until(page: Page, target: int) -> None:
    page.get_by_role("button", name="Train").click()
    page.wait_for_function(
        f"() => Number(document.getElementById('pg-step-count').textContent) >= {target}"
    )
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Train")).to_be_visible()


def import_module(page: Page, module: str, body: str) -> Any:
    """Evaluate ``body``, an expression of ``m``, one of the playground's modules, in the page."""
    return page.evaluate(
        f"""async (path) => {{
            const m = await import(new URL(path, document.baseURI).href);
            return {body};
        }}""",
        "_static/playground/" + module,
    )


# --- For every reader ---------------------------------------------------------------------------


def test_controls_are_labelled_native_elements(visit: Visits) -> None:
    page = visit.open()
    for name in CONTROL_NAMES:
        control = page.get_by_label(name, exact=True)
        expect(control).to_have_count(1)
        assert control.evaluate("(e) => e.tagName") in {"INPUT", "SELECT"}, name
        # A visible label, not only an accessible name.
        label = page.locator(f"label[for='{control.get_attribute('id')}']")
        expect(label).to_have_text(name)
        expect(label).to_be_visible()
    for name in BUTTON_NAMES:
        button = page.get_by_role("button", name=name, exact=True)
        expect(button).to_have_count(1)
        assert button.evaluate("(e) => e.tagName") == "BUTTON"
    dead = page.get_by_label("Dead units", exact=True)
    expect(dead).to_have_text(re.compile(r"^\d+ of 24"))
    dormant = page.get_by_label("Dormant units", exact=True)
    expect(dormant).to_have_text(re.compile(r"^\d+ of 24 \(\u03c4 = 0\.1\)$"))
    expect(page.locator("label[for='pg-dormant']")).to_be_visible()


def test_nothing_trains_until_asked(visit: Visits) -> None:
    """A minute on the page's clock, every timer and animation frame in it run, changes nothing."""
    page = visit.open(clock=True)
    hold_clock(page)
    before = draws(page)
    page.clock.run_for(60_000)
    assert step(page) == 0
    assert draws(page) == before
    expect(page.get_by_role("button", name="Train", exact=True)).to_be_visible()
    # The same minute, once Train is pressed, trains: the clock is what drives the page.
    page.get_by_role("button", name="Train", exact=True).click()
    page.clock.run_for(1000)
    assert step(page) > 0


def test_train_reads_pause_while_training(visit: Visits) -> None:
    page = visit.open(clock=True)
    hold_clock(page)
    page.get_by_role("button", name="Train", exact=True).click()
    pause = page.get_by_role("button", name="Pause", exact=True)
    expect(pause).to_be_visible()
    page.clock.run_for(1000)
    assert step(page) > 20
    pause.click()
    expect(page.get_by_role("button", name="Train", exact=True)).to_be_visible()
    stopped = step(page)
    page.clock.run_for(60_000)
    assert step(page) == stopped
    assert hash_of(page)["step"] == str(stopped)


def test_keyboard_alone_operates_the_playground(visit: Visits) -> None:
    page = visit.open()
    page.get_by_label("Data set", exact=True).focus()
    reached = []
    for _ in range(40):
        reached.append(
            page.evaluate("document.activeElement.id || document.activeElement.ariaLabel")
        )
        page.keyboard.press("Tab")
    ids = {f"pg-{name}" for name in ["data", "seed", "activation", "depth", "width", "bias", "lr"]}
    ids |= {"pg-loss", "pg-optimiser", "pg-train", "pg-step", "pg-reset", "pg-shock-layer"}
    ids |= {"pg-shock-size", "pg-shock", "pg-tau", "pg-recycle"}
    assert ids <= set(reached)
    # The slope applies to Leaky ReLU only; until it is chosen, it is disabled and skipped.
    assert "pg-slope" not in reached
    assert "Layer 1, unit 1" in reached

    page.get_by_label("Depth", exact=True).focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(".pg-layer")).to_have_count(4)
    page.get_by_label("Activation", exact=True).focus()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Activation", exact=True)).to_have_value("leaky_relu")
    expect(page.get_by_label("Negative slope", exact=True)).to_be_enabled()

    page.get_by_role("button", name="Step", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#pg-step-count")).to_have_text("1")
    page.get_by_role("button", name="Train", exact=True).focus()
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => Number(document.getElementById('pg-step-count').textContent) > 10"
    )
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Train", exact=True)).to_be_focused()

    tile = page.get_by_role("button", name=re.compile(r"^Layer 2, unit 3\b"))
    tile.focus()
    page.keyboard.press("Enter")
    expect(tile).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#pg-unit-name")).to_have_text("layer 2, unit 3")
    assert hash_of(page)["unit"] == "2.3"


@pytest.mark.parametrize("reduced_motion", [False, True])
def test_reduced_motion_redraws_once_a_second(visit: Visits, reduced_motion: bool) -> None:
    """Five seconds of the page's clock: a drawing per frame, or one a second when asked."""
    page = visit.open(reduced_motion=reduced_motion, clock=True)
    expect(page.locator("#pg-motion-note")).to_be_visible(visible=reduced_motion)
    hold_clock(page)
    before = draws(page)
    page.get_by_role("button", name="Train", exact=True).click()
    page.clock.run_for(5000)
    drawn = draws(page) - before
    # Frames come every 16 ms of the clock, and each trains a few steps.
    assert step(page) > 250
    if reduced_motion:
        # The first frame, then one drawing a second, whatever the phase of the frames.
        assert 4 <= drawn <= 1 + 5
    else:
        assert drawn > 250
    page.get_by_role("button", name="Pause", exact=True).click()
    assert draws(page) == before + drawn + 1


def test_dead_units_are_marked_by_more_than_colour(visit: Visits) -> None:
    page = visit.open("#preset-relu-shock")
    tile = page.get_by_role("button", name="Layer 1, unit 1, dead", exact=True)
    mark = tile.locator(".pg-unit-mark")
    expect(mark).to_be_visible()
    expect(mark).to_have_text("dead")
    assert tile.evaluate("(e) => getComputedStyle(e).borderTopStyle") == "dashed"
    assert tile.evaluate("(e) => getComputedStyle(e, '::after').backgroundImage").startswith(
        "repeating-linear-gradient"
    )
    alive = page.locator(".pg-unit:not(.pg-is-dead):not(.pg-is-dormant)").first
    expect(alive.locator(".pg-unit-mark")).to_be_hidden()
    assert alive.evaluate("(e) => getComputedStyle(e).borderTopStyle") == "solid"


def test_dormant_units_are_marked_apart_from_dead_ones(visit: Visits) -> None:
    page = visit.open(DORMANT_RUN)
    dead = dead_units(page)
    dormant = dead_units(page, "dormant")
    assert dead, "the preset should have dead units"
    assert dormant, "the preset should have dormant units that are not dead"
    assert not dead & dormant
    count, tau = dormant_total(page)
    assert tau == "0.1"
    # A dead ReLU unit's score is 0: the count holds the dead units and the dormant ones.
    assert count == len(dead) + len(dormant)
    tile = page.get_by_role("button", name="Layer 2, unit 2, dormant", exact=True)
    mark = tile.locator(".pg-unit-mark")
    expect(mark).to_be_visible()
    expect(mark).to_have_text("dormant")
    fits = """(e) => {
        const text = document.createRange();
        text.selectNodeContents(e);
        return text.getBoundingClientRect().width <= e.clientWidth;
    }"""
    assert mark.evaluate(fits), "the word does not fit its tile"
    assert tile.evaluate("(e) => getComputedStyle(e).borderTopStyle") == "dotted"
    assert tile.evaluate("(e) => getComputedStyle(e, '::after').backgroundImage").startswith(
        "radial-gradient"
    )
    dead_tile = page.get_by_role("button", name=f"{min(dead)}, dead", exact=True)
    expect(dead_tile.locator(".pg-unit-mark")).to_have_text("dead")
    assert dead_tile.evaluate("(e) => getComputedStyle(e).borderTopStyle") == "dashed"

    # At tau = 0 a ReLU network's dormant units are exactly its dead ones; tau changes the
    # marks and the count, not the run.
    page.get_by_label(TAU, exact=True).fill("0")
    expect(page.get_by_label("Dormant units", exact=True)).to_have_text(
        f"{len(dead)} of 24 (\u03c4 = 0)"
    )
    expect(page.locator(".pg-is-dormant")).to_have_count(0)
    assert dead_units(page) == dead
    assert hash_of(page)["tau"] == "0"
    assert step(page) == 300
    page.get_by_label(TAU, exact=True).fill("1")
    expect(page.get_by_label("Dormant units", exact=True)).to_contain_text("(\u03c4 = 1)")
    assert dormant_total(page)[0] > count


def test_keyboard_sets_tau_recycles_and_selects_a_unit(visit: Visits) -> None:
    page = visit.open(DORMANT_RUN)
    page.get_by_role("button", name="Shock", exact=True).focus()
    page.keyboard.press("Tab")
    tau = page.get_by_label(TAU, exact=True)
    expect(tau).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(tau).to_have_value("0.11")
    expect(page.locator("#pg-tau-value")).to_have_text("0.11")
    expect(page.get_by_label("Dormant units", exact=True)).to_contain_text("(\u03c4 = 0.11)")
    assert hash_of(page)["tau"] == "0.11"
    before, _ = dormant_total(page)

    page.keyboard.press("Tab")
    recycle = page.get_by_role("button", name="Recycle dormant units", exact=True)
    expect(recycle).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#pg-announce")).to_contain_text(
        f"Recycled {before} dormant units (\u03c4 = 0.11)."
    )
    assert dormant_total(page)[0] < before
    assert hash_of(page)["redo"] == "300:0.11:0"
    page.keyboard.press("Space")
    assert hash_of(page)["redo"] == "300:0.11:0,300:0.11:0"

    tile = page.get_by_role("button", name=re.compile(r"^Layer 2, unit 3\b"))
    tile.focus()
    page.keyboard.press("Space")
    expect(tile).to_have_attribute("aria-pressed", "true")
    histogram = page.get_by_role(
        "img",
        name=re.compile(
            r"^Histogram of the pre-activations of layer 2, unit 3 on the 200 training points: "
        ),
    )
    expect(histogram).to_be_visible()
    expect(page.locator("#pg-histogram-caption")).to_contain_text("layer 2, unit 3: ")


_PRE_ACTIVATIONS = """async ([hash, layer, unit]) => {
    const base = new URL("_static/playground/", document.baseURI).href;
    const { Run } = await import(base + "run.js");
    const { fromHash, runSettings } = await import(base + "state.js");
    const { state } = fromHash(hash);
    const run = new Run(runSettings(state));
    run.replay(state.step, state.shocks, state.recycles);
    return Array.from(run.preActivations(layer, unit));
}"""

_HISTOGRAM_NAME = re.compile(
    r"Histogram of the pre-activations of layer (\d+), unit (\d+) on the (\d+) training points: "
    r"(?:all (\d+)|(\d+) of \d+) \u2264 0, "
    r"(?:from (\u2212?[\d.e-]+) to (\u2212?[\d.e-]+)|all equal to (\u2212?[\d.e-]+))"
)


def _number(text: str) -> float:
    return float(text.replace("\u2212", "-"))


@pytest.mark.parametrize(
    ("fragment", "tile", "dead"),
    [
        ("#preset-relu-shock", "Layer 1, unit 3, dead", True),
        (DORMANT_RUN, "Layer 2, unit 2, dormant", False),
        ("#preset-vanishing-sigmoid", "Layer 6, unit 4", False),
    ],
)
def test_the_histogram_says_where_a_units_pre_activations_lie(
    visit: Visits, fragment: str, tile: str, dead: bool
) -> None:
    """Its text alternative gives the count at most 0 and the range, as the run computes them."""
    page = visit.open(fragment)
    page.get_by_role("button", name=re.compile("^" + re.escape(tile) + "(,|$)")).click()
    layer, unit = (int(n) for n in re.findall(r"\d+", tile))
    histogram = page.get_by_role("img", name=re.compile(f"layer {layer}, unit {unit} on"))
    expect(histogram).to_be_visible()
    match = _HISTOGRAM_NAME.fullmatch(histogram.get_attribute("aria-label") or "")
    assert match is not None, histogram.get_attribute("aria-label")
    z = page.evaluate(_PRE_ACTIVATIONS, [page.evaluate("location.hash"), layer, unit])
    assert (int(match.group(1)), int(match.group(2)), int(match.group(3))) == (layer, unit, 200)
    inactive = sum(value <= 0 for value in z)
    assert (match.group(4) is not None) == (inactive == len(z))
    assert int(match.group(4) or match.group(5)) == inactive
    low, high = (
        (match.group(8), match.group(8)) if match.group(8) else (match.group(6), match.group(7))
    )
    # Two significant digits.
    assert _number(low) == pytest.approx(min(z), rel=0.05)
    assert _number(high) == pytest.approx(max(z), rel=0.05)
    if dead:
        # A dead unit sits wholly left of the zero line.
        assert inactive == len(z)
        assert _number(high) <= 0
    elif "dormant" in tile:
        # A dormant unit that still fires, on some points, most of its values left of zero.
        assert 0 < len(z) - inactive < len(z) / 4


def _axe_violations(visit: Visits, page: Page) -> list[Any]:
    """axe-core's WCAG violations in the playground, its own stray requests forgiven."""
    tab = visit.tabs[-1]
    errors, failures = len(tab.console_errors), len(tab.failed_requests)
    violations: list[Any] = run_axe(
        page, {"runOnly": {"type": "tag", "values": WCAG_TAGS}}, context="#pg-playground"
    )
    # axe-core's style sheet preload asks for @import targets at wrong addresses (axe-core
    # issue 5268); that is axe's doing, not the reader's, as in conftest's page visits.
    del tab.console_errors[errors:], tab.failed_requests[failures:]
    return violations


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_passes_axe_with_dormant_units_and_after_a_recycling(visit: Visits, mode: str) -> None:
    page = visit.open(DORMANT_RUN)
    page.evaluate(f"document.documentElement.dataset.theme = {mode!r}")
    page.get_by_role("button", name="Layer 3, unit 2, dormant", exact=True).click()
    expect(page.locator(".pg-is-dead").first).to_be_visible()
    expect(page.locator(".pg-is-dormant").first).to_be_visible()
    assert _axe_violations(visit, page) == []
    page.get_by_role("button", name="Recycle dormant units", exact=True).click()
    expect(page.locator("#pg-announce")).to_contain_text("Recycled")
    page.get_by_label(TAU, exact=True).fill("0.6")
    expect(page.get_by_label("Dormant units", exact=True)).to_contain_text("(\u03c4 = 0.6)")
    assert _axe_violations(visit, page) == []


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_passes_axe_while_in_use(visit: Visits, mode: str) -> None:
    """With dead units, a selected unit and a message showing, which the page's load lacks."""
    page = visit.open("#preset-relu-shock")
    page = visit.reopen(page.evaluate("location.hash"))
    page.get_by_label("Seed", exact=True).fill("-1")
    page.get_by_label("Seed", exact=True).press("Tab")
    page.evaluate(f"document.documentElement.dataset.theme = {mode!r}")
    page.get_by_role("button", name="Layer 1, unit 2, dead").click()
    expect(page.locator("#pg-messages")).not_to_be_empty()
    assert _axe_violations(visit, page) == []


def test_dark_mode_redraws_in_dark_colours(visit: Visits) -> None:
    """Where a ReLU unit outputs 0 its tile shows the mode's neutral colour, light or dark."""
    page = visit.open()
    tile_has_neutral = """() => {
        const hex = getComputedStyle(document.getElementById('pg-playground'))
            .getPropertyValue('--pg-neutral').trim();
        const value = parseInt(hex.slice(1), 16);
        const rgb = [value >> 16, (value >> 8) & 255, value & 255].join();
        const data = document.querySelector('.pg-unit canvas').getContext('2d')
            .getImageData(0, 0, 48, 48).data;
        return Array.from({ length: 48 * 48 }, (_, p) => data.slice(4 * p, 4 * p + 3).join())
            .includes(rgb);
    }"""
    light = page.evaluate("getComputedStyle(document.getElementById('pg-playground'))"
                          ".getPropertyValue('--pg-neutral')")  # fmt: skip
    assert page.evaluate(tile_has_neutral)
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    dark = page.evaluate("getComputedStyle(document.getElementById('pg-playground'))"
                         ".getPropertyValue('--pg-neutral')")  # fmt: skip
    assert dark != light
    page.wait_for_function(tile_has_neutral)


def test_opened_from_a_file_it_says_how_to_serve_the_site(browser: Browser) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((sitecrawl.SITE / PAGE).as_uri())
        notice = page.locator("#pg-notice")
        expect(notice).to_be_visible(timeout=5000)
        expect(notice).to_contain_text("python3 -m http.server --directory docs/_build/html")
        expect(notice).to_contain_text("file://")
        expect(page.locator("#pg-app")).to_be_hidden()
    finally:
        context.close()


# --- Presets and the address --------------------------------------------------------------------


@pytest.mark.parametrize("preset", PRESETS)
def test_each_preset_loads_and_runs(visit: Visits, preset: str) -> None:
    page = visit.open(f"#{preset}")
    expected = import_module(page, "state.js", f"m.toHash(m.presetState({preset!r}))")
    assert page.evaluate("location.hash") == expected
    start = step(page)
    assert start == int(hash_of(page)["step"])
    train_until(page, start + 25)
    assert step(page) >= start + 25


@pytest.mark.parametrize("preset", PRESETS)
def test_each_preset_section_links_to_its_preset(visit: Visits, preset: str) -> None:
    page = visit.open()
    link = page.locator(f"section#{preset} p a[href='#{preset}']")
    expect(link).to_have_count(1)
    link.click()
    expected = import_module(page, "state.js", f"m.toHash(m.presetState({preset!r}))")
    page.wait_for_function(f"() => location.hash === {expected!r}")
    page.wait_for_function(READY)
    expect(page.get_by_role("button", name="Train", exact=True)).to_be_focused()


#: Where each preset is offered, besides the playground itself.
LINKED_FROM = {
    "preset-relu-shock": "dying-relu.html",
    "preset-high-learning-rate": "learning-rate.html",
    "preset-leaky-shock": "leaky-relu.html",
    "preset-born-dead": "born-dead.html",
    "preset-vanishing-sigmoid": "vanishing-gradients.html",
    "preset-dormant": "plasticity.html",
}


@pytest.mark.parametrize(("preset", "page_name"), LINKED_FROM.items())
def test_presets_are_linked_from_the_pages(
    new_tab: Callable[[], Tab], site_url: str, preset: str, page_name: str
) -> None:
    tab = new_tab()
    tab.open(site_url + page_name)
    link = tab.page.locator(f"a[href='playground.html#{preset}']")
    expect(link).to_have_count(1)
    expect(link).to_contain_text("Try it")
    link.click()
    tab.page.wait_for_url(re.compile(r"playground\.html#data="))
    tab.page.wait_for_function(READY)
    expected = import_module(tab.page, "state.js", f"m.toHash(m.presetState({preset!r}))")
    assert tab.page.evaluate("location.hash") == expected
    assert tab.console_errors == []


@pytest.mark.parametrize("preset", PRESETS)
def test_each_preset_text_states_its_settings(visit: Visits, preset: str) -> None:
    """Every number in a preset's description is a setting of the run it loads."""
    page = visit.open(f"#{preset}")
    text = page.locator(f"section#{preset} p").first.inner_text().replace("\u2212", "-")
    numbers = {float(n) for n in re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?", text)}
    state = hash_of(page)
    settings = {float(state[key]) for key in ("lr", "depth", "width", "step", "tau")}
    settings |= {float(part) for part in state["unit"].split(".")}
    if state["act"] == "leaky_relu":
        settings.add(float(state["slope"]))
    for shock in filter(None, state["shocks"].split(",")):
        settings |= {float(part) for part in shock.split(":")}
    assert numbers, "the description names no setting"
    assert numbers <= settings


def test_numbers_in_the_text_are_the_engines(visit: Visits) -> None:
    page = visit.open()
    points = import_module(page, "run.js", "m.POINTS")
    biases = import_module(page, "run.js", "m.BIAS_VALUES")
    assert f"the {points} training points" in page.locator("main").inner_text()
    for value, number in biases.items():
        if number == 0:
            continue
        label = page.locator(f"#pg-bias option[value='{value}']").inner_text()
        assert f"({number:g})" in label.replace("\u2212", "-")


def test_the_address_round_trips_the_state(visit: Visits) -> None:
    page = visit.open()
    page.get_by_label("Data set", exact=True).select_option("xor")
    page.get_by_label("Seed", exact=True).fill("7")
    page.get_by_label("Seed", exact=True).press("Tab")
    page.get_by_label("Activation", exact=True).select_option("leaky_relu")
    page.get_by_label("Negative slope", exact=True).fill("0.3")
    page.get_by_label("Depth", exact=True).fill("4")
    page.get_by_label("Width", exact=True).fill("5")
    page.get_by_label("Bias initialisation", exact=True).select_option("negative")
    page.get_by_label("Learning rate", exact=True).fill("3")
    page.get_by_label("Loss", exact=True).select_option("mse")
    page.get_by_label("Optimiser", exact=True).select_option("adam")
    for _ in range(3):
        page.get_by_role("button", name="Step", exact=True).click()
    page.get_by_label("Shock layer", exact=True).select_option("2")
    page.get_by_label("Shock size", exact=True).fill("-2")
    page.get_by_role("button", name="Shock", exact=True).click()
    page.get_by_label(TAU, exact=True).fill("0.25")
    page.get_by_role("button", name="Recycle dormant units", exact=True).click()
    page.get_by_role("button", name="Step", exact=True).click()
    page.get_by_role("button", name=re.compile(r"^Layer 3, unit 4\b")).click()
    expect(page.locator("#pg-step-count")).to_have_text("4")

    state = hash_of(page)
    assert state == {
        "data": "xor", "act": "leaky_relu", "slope": "0.3", "lr": "0.03", "depth": "4",
        "width": "5", "bias": "negative", "seed": "7", "loss": "mse", "opt": "adam",
        "layer": "2", "size": "-2", "tau": "0.25", "unit": "3.4", "shocks": "3:2:-2",
        "redo": "3:0.25:1", "step": "4",
    }  # fmt: skip
    seen = _everything_shown(page)
    copy = visit.reopen(page.evaluate("location.hash"))
    assert _everything_shown(copy) == seen
    assert copy.evaluate("location.hash") == page.evaluate("location.hash")


def _everything_shown(page: Page) -> dict[str, Any]:
    shown: dict[str, Any] = page.evaluate(
        """() => ({
            controls: [...document.querySelectorAll('#pg-playground select, #pg-playground input')]
                .map((e) => [e.id, e.value]),
            texts: [...document.querySelectorAll('#pg-playground output, .pg-layer-dead, figcaption')]
                .map((e) => e.textContent),
            tiles: [...document.querySelectorAll('.pg-unit')].map((e) => [e.ariaLabel, e.ariaPressed]),
            map: Array.from(document.getElementById('pg-output-map').getContext('2d')
                .getImageData(0, 0, 48, 48).data).join(),
        })"""
    )
    return shown


def test_state_survives_every_serialisation(visit: Visits) -> None:
    page = visit.open()
    mismatches = import_module(
        page,
        "state.js",
        """(() => {
            const bad = [];
            const states = Object.keys(m.PRESETS).map((name) => m.presetState(name));
            const values = Object.fromEntries(m.FIELDS.map(([, name]) => [name, null]));
            states.push({ ...m.defaults(), data: "spiral", activation: "tanh", slope: 0.07,
                lr: "0.001", depth: 6, width: 16, bias: "positive", seed: 4294967295,
                loss: "mse", optimiser: "adam", shockLayer: 6, shockSize: 4.5, tau: 0.37,
                unit: [6, 16],
                shocks: [{ step: 0, layer: 6, size: -5 }, { step: 0, layer: 1, size: 0.5 },
                    { step: 99999, layer: 3, size: -0.5 }],
                recycles: [{ step: 0, tau: 0, after: 0 }, { step: 0, tau: 1, after: 2 },
                    { step: 7, tau: 0.05, after: 2 }, { step: 99999, tau: 0.99, after: 3 }],
                step: 100000 });
            for (const state of states) {
                const { state: back, messages } = m.fromHash(m.toHash(state));
                if (JSON.stringify(back) !== JSON.stringify(state) || messages.length) {
                    bad.push([state, back, messages]);
                }
            }
            return [bad, Object.keys(values).length];
        })()""",
    )
    bad, fields = mismatches
    assert bad == []
    assert fields == 17


def test_a_bad_address_says_what_it_ignored(visit: Visits) -> None:
    page = visit.open("#depth=99&act=softplus&seed=-4&colour=red")
    messages = page.locator("#pg-messages")
    for part in ("depth=99", "act=softplus", "seed=-4", '"colour"'):
        expect(messages).to_contain_text(part)
    expect(page.get_by_label("Depth", exact=True)).to_have_value("3")
    expect(page.get_by_label("Activation", exact=True)).to_have_value("relu")
    page.get_by_label("Seed", exact=True).fill("12.5")
    page.get_by_label("Seed", exact=True).press("Tab")
    expect(messages).to_contain_text("The seed must be a whole number")
    expect(page.get_by_label("Seed", exact=True)).to_have_value("1")


def test_a_recycling_out_of_order_with_the_shocks_is_dropped(visit: Visits) -> None:
    """A recycling said to follow two shocks of its step, when there is one, is not replayed."""
    page = visit.open("#shocks=5:1:-3&redo=5:0.1:2&tau=2&step=10")
    messages = page.locator("#pg-messages")
    expect(messages).to_contain_text("Recyclings after the step or out of order")
    expect(messages).to_contain_text("tau=2")
    assert hash_of(page)["redo"] == ""
    assert hash_of(page)["tau"] == "0.1"
    assert hash_of(page)["shocks"] == "5:1:-3"


def test_replaying_a_link_equals_training_to_its_step(visit: Visits) -> None:
    page = visit.open("#preset-leaky-shock")
    train_until(page, 330)
    trained = _everything_shown(page)
    page = visit.reopen(page.evaluate("location.hash"))
    assert _everything_shown(page) == trained


# --- What the page claims -----------------------------------------------------------------------


def test_a_shock_raises_the_dead_count(visit: Visits) -> None:
    page = visit.open()
    train_until(page, 100)
    before = dead_total(page)
    page.get_by_label("Shock size", exact=True).fill("-4")
    page.get_by_role("button", name="Shock", exact=True).click()
    assert dead_total(page) > before
    assert hash_of(page)["shocks"] == f"{step(page)}:1:-4"
    expect(page.locator("#pg-announce")).to_contain_text("Shocked layer 1")


def test_with_relu_the_shocked_first_layer_stays_dead(visit: Visits) -> None:
    page = visit.open("#preset-relu-shock")
    assert dead_in_layer(page, 1) == (8, 8)
    shocked = {unit for unit in dead_units(page) if unit.startswith("Layer 1,")}
    expect(page.locator("#pg-unit-caption")).to_contain_text("exactly 0")
    train_until(page, step(page) + 150)
    assert dead_in_layer(page, 1) == (8, 8)
    for later in (3000, 20000):
        page = visit.reopen(with_step(page, later))
        assert step(page) == later
        assert dead_in_layer(page, 1) == (8, 8)
        assert shocked <= dead_units(page)
        expect(page.locator("#pg-unit-caption")).to_have_text(f"exactly 0 at step {later}")


def test_with_leaky_relu_dead_units_come_back(visit: Visits) -> None:
    page = visit.open("#preset-leaky-shock")
    shocked = dead_units(page)
    assert dead_in_layer(page, 1) == (8, 8)
    page = visit.reopen(with_step(page, 3000))
    assert dead_total(page) < len(shocked)
    assert shocked - dead_units(page), "no unit that the shock killed came back"
    assert dead_in_layer(page, 1)[0] < 8


def test_recycling_brings_the_dormant_count_down(visit: Visits) -> None:
    """The dormant preset's claim: recycled, the dormant count falls and no unit stays dead."""
    page = visit.open("#preset-dormant")
    before, tau = dormant_total(page)
    assert before > 0
    assert dead_total(page) > 0
    page.get_by_role("button", name="Recycle dormant units", exact=True).click()
    expect(page.locator("#pg-announce")).to_contain_text(
        f"Recycled {before} dormant units (\u03c4 = {tau})."
    )
    assert dormant_total(page)[0] < before
    assert dead_total(page) == 0
    assert dead_units(page) == set()
    assert step(page) == 300
    assert hash_of(page)["redo"] == f"300:{tau}:0"
    # The recycling is part of the run: its address replays it.
    shown = _everything_shown(page)
    copy = visit.reopen(page.evaluate("location.hash"))
    assert _everything_shown(copy) == shown


def test_a_learning_rate_too_high_kills_units(visit: Visits) -> None:
    page = visit.open("#preset-high-learning-rate")
    assert dead_total(page) == 0
    train_until(page, 20)
    high = dead_total(page)
    page = visit.reopen(with_step(page, step(page)).replace("lr=3&", "lr=0.1&"))
    assert high > dead_total(page)
    assert high >= 12


def test_the_narrow_deep_network_is_born_dead(visit: Visits) -> None:
    page = visit.open("#preset-born-dead")
    assert step(page) == 0
    full = [layer for layer in range(1, 7) if dead_in_layer(page, layer) == (2, 2)]
    assert full, "no layer is dead at step 0"
    loss = page.locator("#pg-loss-value").inner_text()
    page = visit.reopen(with_step(page, 2000))
    assert all(dead_in_layer(page, layer) == (2, 2) for layer in full)
    # The same output on every training point, and nothing below the dead layer learns.
    expect(page.locator("#pg-loss-value")).to_have_text(loss)


def test_sigmoid_gradients_vanish_towards_the_input(visit: Visits) -> None:
    page = visit.open("#preset-vanishing-sigmoid")
    norms = []
    for layer in (1, 6):
        page.get_by_role("button", name=re.compile(rf"^Layer {layer}, unit 1\b")).click()
        caption = page.locator("#pg-unit-caption").inner_text()
        norms.append(float(caption.split(" at ")[0]))
    first, last = norms
    assert first < last / 100


def test_a_diverging_run_stops_with_a_message(visit: Visits) -> None:
    page = visit.open("#act=leaky_relu&lr=10&loss=mse&depth=6")
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.locator("#pg-messages")).to_contain_text("The loss overflowed")
    expect(page.get_by_role("button", name="Train", exact=True)).to_be_visible()


# --- What a reader sees, on a desktop and on a phone -------------------------------------------

#: The widths of the screenshots and layout checks: a desktop and a phone.
WIDTHS = [1280, 390]


def _contrast(first: tuple[int, ...], second: tuple[int, ...]) -> float:
    """WCAG's contrast ratio of two sRGB colours."""

    def luminance(rgb: tuple[int, ...]) -> float:
        linear = [c / 255 / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _hidden_tiles(page: Page) -> list[str]:
    """The unit tiles that are not wholly on screen and inside the visible part of their box."""
    hidden: list[str] = page.evaluate(
        """() => {
            const box = document.getElementById('pg-layers').getBoundingClientRect();
            const right = Math.min(box.left + document.getElementById('pg-layers').clientWidth,
                                   document.documentElement.clientWidth);
            return [...document.querySelectorAll('.pg-unit')].filter((tile) => {
                const r = tile.getBoundingClientRect();
                return r.width === 0 || r.left < Math.max(box.left, 0) - 0.5 || r.right > right + 0.5;
            }).map((tile) => tile.ariaLabel);
        }"""
    )
    return hidden


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "fragment", ["#preset-born-dead", "#depth=6&width=16", "#preset-vanishing-sigmoid"]
)
def test_every_layer_is_visible(visit: Visits, width: int, fragment: str) -> None:
    """No layer is off to the side, the born-dead preset's dead layer included, and no hint."""
    page = visit.open(fragment, width=width)
    expect(page.locator(".pg-unit").first).to_be_visible()
    assert _hidden_tiles(page) == []
    expect(page.locator("#pg-scroll-hint")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_hint_says_when_the_layers_scroll(visit: Visits) -> None:
    """In a box narrower than one layer, the layers scroll, and the page says so."""
    page = visit.open("#preset-born-dead")
    hint = page.locator("#pg-scroll-hint")
    expect(hint).to_be_hidden()
    page.locator("#pg-layers").evaluate("(box) => { box.style.width = '2rem'; }")
    expect(hint).to_be_visible()
    assert _hidden_tiles(page) != []
    page.locator("#pg-layers").evaluate("(box) => { box.style.width = ''; }")
    expect(hint).to_be_hidden()


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_sigmoid_and_tanh_units_are_never_dead(visit: Visits, activation: str) -> None:
    """However far a shock pushes them, only ReLU units are counted and marked dead."""
    shocked = "&shocks=0:1:-5,0:2:-5,0:3:-5&step=20"
    page = visit.open(f"#act={activation}{shocked}")
    assert dead_total(page) == 0
    assert all(dead_in_layer(page, layer) == (0, 8) for layer in (1, 2, 3))
    expect(page.locator(".pg-is-dead")).to_have_count(0)
    assert dead_units(page) == set()
    # Dormancy, unlike death, applies to them: at tau = 1 some units are below their layer's mean.
    dormant = visit.open(f"#act={activation}&tau=1{shocked}")
    assert dormant_total(dormant)[0] > 0
    expect(dormant.locator(".pg-is-dormant").first).to_be_visible()
    expect(dormant.locator(".pg-is-dead")).to_have_count(0)
    # The same shocks kill ReLU units: the count is not simply switched off.
    relu = visit.open(f"#act=relu{shocked}")
    assert dead_in_layer(relu, 1) == (8, 8)


def test_the_sigmoid_preset_shows_no_dead_unit(visit: Visits) -> None:
    page = visit.open("#preset-vanishing-sigmoid")
    expect(page.get_by_label("Dead units", exact=True)).to_have_text("0 of 48 (0%)")
    expect(page.locator(".pg-is-dead")).to_have_count(0)
    page = visit.reopen(with_step(page, 500))
    expect(page.get_by_label("Dead units", exact=True)).to_have_text("0 of 48 (0%)")


def test_the_charts_end_at_the_step_their_captions_give(visit: Visits) -> None:
    """Past a thousand steps the history is thinned; the charts still reach the current step."""
    page = visit.open("#step=1145")
    assert step(page) == 1145
    for chart in ("loss", "dead", "unit"):
        label = page.locator(f"#pg-chart-{chart}").get_attribute("aria-label") or ""
        assert label.endswith("to step 1145"), label
    for caption in ("loss", "dead", "unit"):
        expect(page.locator(f"#pg-{caption}-caption")).to_contain_text("at step 1145")


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_points_stand_out_on_the_map(visit: Visits, mode: str) -> None:
    """The points' outline keeps 3:1 (WCAG 1.4.11) against every colour of the output map."""
    page = visit.open("#step=2000")
    page.evaluate(f"document.documentElement.dataset.theme = {mode!r}")
    colours = page.evaluate(
        """() => {
            const style = getComputedStyle(document.getElementById('pg-playground'));
            const hex = style.getPropertyValue('--pg-ink').trim();
            const value = parseInt(hex.slice(1), 16);
            const ink = [value >> 16, (value >> 8) & 255, value & 255];
            const data = document.getElementById('pg-output-map').getContext('2d')
                .getImageData(0, 0, 48, 48).data;
            const seen = new Set();
            for (let p = 0; p < data.length; p += 4) seen.add([data[p], data[p + 1], data[p + 2]].join());
            return { ink, map: [...seen].map((key) => key.split(',').map(Number)) };
        }"""
    )
    ink = tuple(colours["ink"])
    # The run is confident somewhere (else the check would test only pale colours).
    assert len(colours["map"]) > 50
    worst = min(_contrast(ink, tuple(colour)) for colour in colours["map"])
    assert worst >= 3.0, (mode, worst)


def test_the_page_loads_no_math_renderer(visit: Visits) -> None:
    """It has no formula to typeset, and MathJax would weigh more than the playground itself."""
    requests: list[str] = []
    tab = visit.new_tab()
    visit.tabs.append(tab)
    tab.page.on("request", lambda request: requests.append(request.url))
    tab.open(visit.site_url + PAGE)
    tab.page.wait_for_function(READY)
    assert [url for url in requests if "mathjax" in url.lower()] == []
    assert tab.page.evaluate("typeof window.MathJax") == "undefined"


def test_the_text_follows_the_layout_on_a_phone(visit: Visits) -> None:
    """On a phone the output sits under the units; the text never says left or right."""
    page = visit.open(width=390)
    network, output = _panel_boxes(page)
    assert output["y"] >= network["y"] + network["height"]
    text = page.locator("main").inner_text()
    assert not re.search(r"\((?:left|right)\)", text)
    network, output = _panel_boxes(visit.open(width=1280))
    assert output["x"] >= network["x"] + network["width"]


def _panel_boxes(page: Page) -> tuple[FloatRect, FloatRect]:
    """The boxes of the unit grid and of the output map."""
    network = page.locator(".pg-network").bounding_box()
    output = page.locator(".pg-output").bounding_box()
    assert network is not None
    assert output is not None
    return network, output


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_of_the_presets(visit: Visits, width: int) -> None:
    """Each preset, as loaded, in light and in dark mode, for a person to look at; each
    shows its whole network."""
    sitecrawl.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for preset in PRESETS:
        page = visit.open(f"#{preset}", width=width)
        for mode in ("light", "dark"):
            page.evaluate(f"document.documentElement.dataset.theme = {mode!r}")
            page.wait_for_function(READY)
            assert _hidden_tiles(page) == [], mode
            path = sitecrawl.ARTIFACTS / f"playground-{preset}-{width}-{mode}.png"
            page.locator("#pg-playground").screenshot(path=path)
