"""The dashboard in a real headless Chromium (Debian's chromium and chromium-driver).

Skipped when either is missing or selenium is not installed, except in CI
(`CI` set), where `.ci/run` installs them and a missing browser fails the run. The
server runs in this process on a free loopback port, over the store coded by the real
pipeline. Screenshots go to `$DATELINE_ARTIFACTS` (default `artifacts/` in the checkout),
which CI keeps after the run.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.serve.conftest import SYNTHETIC_STORIES
from tests.serve.test_server import free_port

pytestmark = pytest.mark.model

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
# Without the networking flags Chromium keeps trying to reach Google's services.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1600",
)
WAIT = 20.0
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("DATELINE_ARTIFACTS") or ROOT / "artifacts")


@pytest.fixture(scope="module")
def base_url(coded_db: Path) -> Iterator[str]:
    import uvicorn

    from dateline.serve import create_app

    port = free_port()
    config = uvicorn.Config(
        create_app(coded_db), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (CHROMIUM and CHROMEDRIVER):
        message = "chromium and chromedriver are not installed (apt: chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; .ci/run installs them, so CI must open the dashboard")
        pytest.skip(message)
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="dateline-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver: Any, script: str) -> Any:
    """Poll a JavaScript expression until it is truthy; return its value."""
    deadline = time.monotonic() + WAIT
    while True:
        value = driver.execute_script(f"return ({script});")
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for: {script}"
        time.sleep(0.1)


def refreshes(driver: Any) -> int:
    """How many filter refreshes the page has finished (the newest answer drawn)."""
    return int(driver.execute_script("return document.body.dataset.refreshed || 0"))


def after_refresh(driver: Any, before: int) -> None:
    wait_for(driver, f"Number(document.body.dataset.refreshed || 0) > {before}")


def click_and_wait(driver: Any, selector: str) -> None:
    """Click what sets or clears the filters, and wait until the page shows the answer."""
    from selenium.webdriver.common.by import By

    before = refreshes(driver)
    driver.find_element(By.CSS_SELECTOR, selector).click()
    after_refresh(driver, before)


def table_rows(driver: Any) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(driver.find_elements(By.CSS_SELECTOR, "#events tbody tr"))


def severe_console_messages(driver: Any) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def test_dashboard_shows_charts_table_and_evidence(
    browser: Any, base_url: str, client: Any
) -> None:
    from selenium.webdriver.common.by import By

    meta = client.get("/api/v1/meta").json()
    browser.get(base_url + "/")
    after_refresh(browser, 0)

    # The timeline's stacked bars add up to every event dated inside one month.
    timeline = client.get("/api/v1/timeline", params={"interval": "month"}).json()
    drawn = browser.execute_script(
        "return [...document.querySelectorAll('#timeline rect.bar')]"
        ".reduce((n, r) => n + Number(r.dataset.count), 0);"
    )
    assert drawn == sum(sum(b["counts"].values()) for b in timeline["buckets"]) > 0
    # Stacked by CAMEO root instead: the same total, one coloured series per root.
    by_root = client.get("/api/v1/timeline", params={"interval": "month", "by": "root"}).json()
    browser.find_element(By.CSS_SELECTOR, "select[name=by] option[value=root]").click()
    click_and_wait(browser, "#filters button[type=submit]")
    keys = browser.execute_script(
        "return [...new Set([...document.querySelectorAll('#timeline rect.bar')]"
        ".map((r) => r.dataset.key + ' ' + r.getAttribute('fill')))];"
    )
    assert {key.split()[0] for key in keys} == {k for b in by_root["buckets"] for k in b["counts"]}
    assert all(key.split()[1].startswith("#") for key in keys)
    browser.find_element(By.CSS_SELECTOR, "select[name=by] option[value=quadclass]").click()
    click_and_wait(browser, "#filters button[type=submit]")
    dyads = client.get("/api/v1/dyads", params={"limit": 15}).json()["dyads"]
    bars = browser.find_elements(By.CSS_SELECTOR, "#dyads rect.dyad")
    assert [(b.get_attribute("data-source"), b.get_attribute("data-target")) for b in bars] == [
        (d["source"], d["target"]) for d in dyads
    ]
    rows = browser.find_elements(By.CSS_SELECTOR, "#events tbody tr")
    assert len(rows) == min(25, meta["counts"]["events"])
    assert str(meta["counts"]["events"]) in browser.find_element(By.ID, "events-count").text

    # Filter on words of the sentence holding markup, then open its evidence.
    expected = client.get("/api/v1/events", params={"q": "script"}).json()["events"]
    assert expected
    browser.find_element(By.NAME, "q").send_keys("script")
    click_and_wait(browser, "#filters button[type=submit]")
    shown = [r.get_attribute("data-event-id") for r in table_rows(browser)]
    assert shown == [e["event_id"] for e in expected]
    browser.find_element(By.CSS_SELECTOR, "#events tbody tr a.event-link").click()
    wait_for(browser, "!document.querySelector('#detail').hidden")
    wait_for(browser, "document.querySelector('#detail .sentence mark.role-trigger')")
    event = expected[0]
    sentence = browser.find_element(By.CSS_SELECTOR, "#detail .sentence")
    assert "<script>window.__pwned=2</script>" in sentence.text  # shown as text
    marks = {
        m.get_attribute("data-roles"): m.text
        for m in sentence.find_elements(By.CSS_SELECTOR, "mark")
    }
    assert marks.get("trigger") == event["trigger"]
    assert marks.get("source") == event["source"]["text"]
    assert marks.get("target") == event["target"]["text"]
    assert event["rule_id"] in browser.find_element(By.ID, "detail-body").text

    # Newest first: the table follows the API's descending order.
    newest = client.get("/api/v1/events", params={"order": "desc", "limit": 25}).json()["events"]
    click_and_wait(browser, "#filters button[type=reset]")
    browser.find_element(By.CSS_SELECTOR, "select[name=order] option[value=desc]").click()
    click_and_wait(browser, "#filters button[type=submit]")
    assert [r.get_attribute("data-event-id") for r in table_rows(browser)] == [
        e["event_id"] for e in newest
    ]

    # A dyad bar filters on its dyad; the fused-event panel opens a story's reports.
    click_and_wait(browser, "#filters button[type=reset]")
    first = dyads[0]
    click_and_wait(browser, "#dyads rect.dyad")
    expected_page = client.get(
        "/api/v1/events", params={"dyad": f"{first['source']},{first['target']}"}
    ).json()
    assert browser.find_element(By.ID, "events-count").text == f"{expected_page['total']} matching"
    assert browser.find_element(By.NAME, "dyad_a").get_attribute("value") == first["source"]
    assert [r.get_attribute("data-event-id") for r in table_rows(browser)] == [
        e["event_id"] for e in expected_page["events"][:25]
    ]
    click_and_wait(browser, "#filters button[type=reset]")
    fused = client.get("/api/v1/fused", params={"min_reports": 2}).json()["fused_events"]
    browser.find_element(
        By.CSS_SELECTOR, f"#fused tbody tr[data-fused-id='{fused[0]['fused_id']}'] a"
    ).click()
    wait_for(browser, "document.querySelector('#detail-title').textContent.startsWith('Fused')")
    # One entry per story, each listing its reports: "N stories" shows N stories.
    stories = browser.find_elements(By.CSS_SELECTOR, "#detail-body li.story")
    assert len(stories) == fused[0]["n_reports"]
    detail = client.get(f"/api/v1/fused/{fused[0]['fused_id']}").json()
    reports = browser.find_elements(By.CSS_SELECTOR, "#detail-body li.report")
    assert len(reports) == len(detail["reports"]) >= len(stories)

    # An article whose title and outlet carry markup: shown as written, never run.
    story = SYNTHETIC_STORIES[0]
    browser.get(f"{base_url}/#article/{story['id']}")
    wait_for(browser, "document.querySelector('#detail-title').textContent.includes('Border')")
    assert story["title"] in browser.find_element(By.ID, "detail-title").text
    assert story["source"] in browser.find_element(By.ID, "detail-body").text
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    assert browser.execute_script("return document.scripts.length") == 1
    assert severe_console_messages(browser) == []


def test_api_docs_render_offline(browser: Any, base_url: str, client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    browser.get(base_url + "/api/docs")
    shown = wait_for(browser, "document.querySelectorAll('.opblock').length")
    assert shown == sum(len(methods) for methods in paths.values())
    assert severe_console_messages(browser) == []


def _rect(driver: Any, selector: str) -> dict[str, float]:
    rect: dict[str, float] = driver.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,"
        " width: r.width, height: r.height};",
        selector,
    )
    return rect


def test_dashboard_holds_its_shape(browser: Any, base_url: str, client: Any) -> None:
    """Geometry, not text: legend swatches stay small, the event table is in view in a
    1400x1000 window without scrolling, the map is drawn with a point per place."""
    from selenium.webdriver.common.by import By

    browser.set_window_size(1400, 1000)
    browser.get(base_url + "/")
    after_refresh(browser, 0)
    wait_for(browser, "document.querySelector('#map').dataset.ready")
    width, height = browser.execute_script("return [window.innerWidth, window.innerHeight];")
    assert width >= 1300 and height >= 850

    swatches = browser.execute_script(
        "return [...document.querySelectorAll('.legend .swatch')]"
        ".map((s) => { const r = s.getBoundingClientRect(); return [r.width, r.height]; });"
    )
    assert len(swatches) >= 4  # the four QuadClasses
    assert all(0 < w <= 24 and 0 < h <= 24 for w, h in swatches), swatches

    table = _rect(browser, "#events")
    first_row = _rect(browser, "#events tbody tr")
    assert 0 <= table["top"] < height and table["left"] >= 0 and table["right"] <= width
    assert first_row["bottom"] <= height, "the first event row is below the fold"
    for chart in ("#timeline > svg", "#map > svg", "#dyads > svg"):
        assert _rect(browser, chart)["height"] <= 240, chart

    outline = json.loads((ROOT / "src/dateline/serve/static/world-110m.json").read_text())
    assert browser.execute_script(
        "return document.querySelectorAll('#map path.land').length"
    ) == len(outline["countries"])
    land = _rect(browser, "#map > svg")
    assert land["width"] > 300 and land["height"] > 100
    places = client.get("/api/v1/places", params={"limit": 500}).json()["places"]
    assert places
    circles = browser.find_elements(By.CSS_SELECTOR, "#map circle.place")
    drawn = {(c.get_attribute("data-name"), int(c.get_attribute("data-events"))) for c in circles}
    assert drawn == {(p["name"], p["events"]) for p in places}
    inside = browser.execute_script(
        "const box = document.querySelector('#map > svg').getBoundingClientRect();"
        " return [...document.querySelectorAll('#map circle.place')].every((c) => {"
        " const r = c.getBoundingClientRect(); return r.left >= box.left - 1 &&"
        " r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1; });"
    )
    assert inside
    # A point lands where its coordinates say: Tokyo is east of Lima and north of it.
    if {"Tokyo", "Lima"} <= {name for name, _ in drawn}:
        tokyo = _rect(browser, "#map circle.place[data-name='Tokyo']")
        lima = _rect(browser, "#map circle.place[data-name='Lima']")
        assert tokyo["left"] > lima["left"] and tokyo["top"] < lima["top"]

    # Sector codes are labelled by what they are, not by one of the people in them.
    actors = client.get("/api/v1/actors", params={"limit": 10}).json()["actors"]
    sector = next(a for a in actors if len(a["code"]) == 6 and a["code"][3:] == "GOV")
    label = browser.find_element(
        By.CSS_SELECTOR, f"#actors tr[data-code='{sector['code']}'] .label"
    )
    assert label.text == sector["label"] and "Government" in label.text

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "dashboard-1400x1000.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 20_000
    assert severe_console_messages(browser) == []


def test_dyad_over_time_follows_the_chosen_pair(browser: Any, base_url: str, client: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.set_window_size(1400, 1000)
    browser.get(base_url + "/")
    after_refresh(browser, 0)
    assert browser.find_elements(By.CSS_SELECTOR, "#series text.hint")
    dyad = client.get("/api/v1/dyads", params={"limit": 15}).json()["dyads"][0]
    click_and_wait(browser, "#dyads rect.dyad")
    series = client.get(
        "/api/v1/dyad_series", params={"dyad": f"{dyad['source']},{dyad['target']}"}
    ).json()
    drawn = browser.execute_script(
        "return [...document.querySelectorAll('#series rect.series-bar')]"
        ".map((r) => [r.dataset.period, Number(r.dataset.count)]);"
    )
    assert drawn == [[b["period"], b["events"]] for b in series["buckets"] if b["events"]]
    assert drawn
    dots = browser.find_elements(By.CSS_SELECTOR, "#series circle.goldstein-dot")
    assert len(dots) == sum(1 for b in series["buckets"] if b["mean_goldstein"] is not None)
    assert dyad["source"] in browser.find_element(By.ID, "series-title").text
    swatches = browser.execute_script(
        "return [...document.querySelectorAll('#series-legend .swatch')]"
        ".map((s) => s.getBoundingClientRect().width);"
    )
    assert swatches and all(0 < w <= 24 for w in swatches)
    browser.execute_script("document.querySelector('#series').scrollIntoView();")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "dashboard-dyad-1400x1000.png"))
