"""End to end in a real browser: headless Chromium (Debian's, driven by Playwright) against
``rnnkit serve`` started as a subprocess on a free loopback port, and against the static export
opened from a file:// URL. A screenshot of each view is kept (``$RNNKIT_TEST_ARTIFACTS`` or
pytest's tmp dir). With ``CI=true`` a missing browser or Playwright fails instead of skipping."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from rnnkit.cli import main
from rnnkit.inspect import trace
from rnnkit.tasks import language_model

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
TEXT = "the cat sat on the mat.\na cow ran."
SPAN = (4, 6)  # "cat"


def _missing() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install playwright; no browser download is needed)"
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests are required in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1000, "height": 900})
        yield context
        context.close()


@pytest.fixture
def artefacts(tmp_path):
    folder = Path(os.environ.get("RNNKIT_TEST_ARTIFACTS") or tmp_path) / "serve"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(lm_run):
    """``python -m rnnkit serve RUN --port P``, the real entry point, until the module's tests end."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "rnnkit", "serve", str(lm_run), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120  # importing torch on a busy machine; not a timing assertion
    while True:
        try:
            urllib.request.urlopen(url + "api/model", timeout=5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"rnnkit serve did not start: {process.communicate()[0]}")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=30)


def open_page(browser, url):
    """A page whose every request off this machine (anything but 127.0.0.1 or a file) is refused and recorded."""
    page = browser.new_page()
    outside = []

    def route(request_route):
        address = request_route.request.url
        if address.startswith(("http://127.0.0.1:", "file://")):
            request_route.continue_()
        else:
            outside.append(address)
            request_route.abort()

    page.route("**/*", route)
    page.goto(url)
    return page, outside


def cohens_d(values, first, last):
    """The reference ranking: (mean inside - mean outside) / pooled std for every unit of (time, units), by |d|."""
    inside, outside = values[first : last + 1], np.concatenate([values[:first], values[last + 1 :]])
    pooled = np.sqrt((((inside - inside.mean(0)) ** 2).sum(0) + ((outside - outside.mean(0)) ** 2).sum(0)) / (len(values) - 2))
    d = (inside.mean(0) - outside.mean(0)) / pooled
    order = np.argsort(-np.abs(d), kind="stable")[:10]
    return order, d[order]


def ranking_shown(page):
    buttons = page.locator("#ranking button")
    return [int(b.get_attribute("data-unit")) for b in buttons.all()], [float(b.get_attribute("data-d")) for b in buttons.all()]


def reference_h(lm_run):
    model, tokenizer = language_model.load(lm_run)
    (want,) = trace(model, np.array([tokenizer.encode(TEXT)]))
    return want["h"][0].astype(np.float64)  # (time, units)


def check_ranking(page, lm_run):
    """The ranked units are the reference's, and the text is coloured by the top one: its largest |h| is the deepest colour."""
    h = reference_h(lm_run)
    units, d = ranking_shown(page)
    want_units, want_d = cohens_d(h, *SPAN)
    np.testing.assert_allclose(d, want_d, rtol=1e-3, atol=1e-4)
    assert units[0] == want_units[0]
    assert page.locator("#inside-text .tok.in-span").count() == SPAN[1] - SPAN[0] + 1
    assert page.locator("#inside-legend").inner_text().startswith(f"lstm_0 (forward) h, unit {units[0]}:")
    colours = page.locator("#inside-text .tok").evaluate_all("spans => spans.map(s => getComputedStyle(s).backgroundColor)")
    lightness = [sum(int(c) for c in colour[colour.index("(") + 1 : -1].split(",")[:3]) for colour in colours]
    assert int(np.argmin(lightness)) == int(np.argmax(np.abs(h[:, units[0]])))


def test_sample_look_inside_and_gradient_in_the_live_page(browser, server, lm_run, artefacts):
    page, outside = open_page(browser, server)
    assert page.get_by_role("tab", name="Sample").get_attribute("aria-selected") == "true"
    page.get_by_label("Prime (the text the model continues)").fill("the ")
    page.get_by_label("Tokens to draw").fill("40")
    page.get_by_label("Seed (empty: random)").fill("5")
    page.get_by_label("Temperature (0 = most likely token)").fill("0.9")
    page.get_by_role("button", name="Sample", exact=True).click()
    page.wait_for_selector("#sample-output[data-done=true]")
    model, tokenizer = language_model.load(lm_run)
    sampled_text = language_model.sample_text(model, tokenizer, "the ", 40, temperature=0.9, seed=5)
    assert page.locator("#sample-output").inner_text().replace("\u21b5", "") == sampled_text
    sampled = page.locator("#sample-output .sampled")
    assert sampled.count() == 40
    assert sampled.first.get_attribute("title").startswith("p = ") and sampled.first.evaluate("e => e.style.background") != ""
    page.screenshot(path=str(artefacts / "sample.png"), full_page=True)

    page.get_by_role("button", name="Look inside this text").click()
    page.wait_for_selector(f"#inside-text .tok[data-i='{len(sampled_text) - 1}']")
    assert page.get_by_label("Text to run the model on").input_value() == sampled_text

    page.get_by_role("tab", name="Look inside").press("ArrowLeft")  # the keyboard moves between the tabs
    assert page.get_by_role("tab", name="Sample").get_attribute("aria-selected") == "true"
    page.get_by_role("tab", name="Sample").press("ArrowRight")
    assert page.get_by_role("tab", name="Look inside").get_attribute("aria-selected") == "true"
    page.get_by_label("Text to run the model on").fill(TEXT)
    page.get_by_role("button", name="Look inside", exact=True).click()
    page.wait_for_selector(f"#inside-text .tok[data-i='{len(TEXT) - 1}']")
    page.get_by_label("Unit", exact=True).fill(str(cohens_d(reference_h(lm_run), *SPAN)[0][-1]))  # not the unit the span will pick
    before = page.locator("#inside-text .tok").evaluate_all("spans => spans.map(s => s.style.background)")
    first, last = (page.locator(f"#inside-text .tok[data-i='{i}']").bounding_box() for i in SPAN)
    page.mouse.move(first["x"] + 1, first["y"] + first["height"] / 2)
    page.mouse.down()
    page.mouse.move(last["x"] + last["width"] - 1, last["y"] + last["height"] / 2, steps=5)
    page.mouse.up()
    page.wait_for_selector("#ranking button")
    assert (page.get_by_label("First token").input_value(), page.get_by_label("Last token").input_value()) == ("4", "6")
    check_ranking(page, lm_run)
    after = page.locator("#inside-text .tok").evaluate_all("spans => spans.map(s => s.style.background)")
    assert after != before  # recoloured by the top unit
    page.screenshot(path=str(artefacts / "look_inside.png"), full_page=True)

    page.get_by_role("tab", name="Gradient through time").click()
    assert page.locator("#gradient-plot svg polyline.curve").count() == 1
    assert page.locator("#gradient-text .tok").count() == len(TEXT)
    assert "predicting the last token" in page.locator("#gradient-about").inner_text()
    page.screenshot(path=str(artefacts / "gradient.png"), full_page=True)
    assert outside == []


def test_the_static_export_shows_the_same_views_from_a_file(browser, lm_run, tmp_path, artefacts):
    html = tmp_path / "views.html"
    assert main(["inspect", str(lm_run), "--text", TEXT, "--out", str(tmp_path / "out"), "--html", str(html)]) == 0
    page, outside = open_page(browser, html.as_uri())
    assert page.get_by_role("tab", name="Look inside").get_attribute("aria-selected") == "true"
    assert page.locator("#inside-text .tok").count() == len(TEXT)
    page.get_by_label("First token").fill(str(SPAN[0]))  # the keyboard way to give a span
    page.get_by_label("Last token").fill(str(SPAN[1]))
    page.get_by_role("button", name="Rank units").click()
    check_ranking(page, lm_run)
    page.screenshot(path=str(artefacts / "export_look_inside.png"), full_page=True)
    page.get_by_role("tab", name="Gradient through time").click()
    assert page.locator("#gradient-plot svg polyline.curve").count() == 1
    page.screenshot(path=str(artefacts / "export_gradient.png"), full_page=True)
    page.get_by_role("tab", name="Sample").click()
    assert "needs the live server" in page.locator("#sample-unavailable").inner_text()
    assert outside == []


def test_a_classifier_export_shows_which_tokens_pushed_its_prediction(browser, classifier_file, tmp_path, artefacts):
    from rnnkit.tasks import classification

    html = tmp_path / "classifier.html"
    assert main(["inspect", str(classifier_file), "--text", "ab ca", "--out", str(tmp_path / "out"), "--html", str(html)]) == 0
    page, outside = open_page(browser, html.as_uri())
    page.get_by_role("tab", name="Gradient through time").click()
    assert page.locator("#gradient-plot svg polyline.curve").count() == 2  # forward and backward halves
    (label, probability, _), = classification.predict(classifier_file, ["ab ca"])
    assert page.locator("#verdict h2").inner_text() == f"Predicted: {label}"
    assert f"{probability:.4f}" in page.locator("#probabilities").inner_text()
    assert page.locator("#pushes .tok").count() == 5
    page.screenshot(path=str(artefacts / "export_classifier.png"), full_page=True)
    assert outside == []
