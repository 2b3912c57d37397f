"""Headless Chromium (Debian's chromium and chromium-driver, driven by Selenium): an HIS page
from an allowed origin reads the simulated card through cancuoc.js, the same page from
another origin gets nothing, and the reception page reads, copies and clears."""
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from conftest import ROOT, profile_json

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def start_chromium(*extra):
    profile = tempfile.mkdtemp(prefix="cancuoc-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}", "--window-size=1366,768", "--lang=vi", *extra):
        options.add_argument(arg)
    # Nothing is downloaded: the driver is Debian's, found by path (Selenium Manager stays idle).
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    return driver, profile


@pytest.fixture(scope="module")
def browser():
    driver, profile = start_chromium()
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def wait(driver, condition, seconds=40):
    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.1).until(lambda d: condition(d))
    except Exception:
        status = driver.find_elements(By.ID, "status")
        print("page status at the timeout:", status[0].text if status else "(none)")
        raise


@pytest.fixture(scope="module")
def his_page(his_pages):
    directory, _, _ = his_pages
    shutil.copy(ROOT / "clients/js/cancuoc.js", directory)
    shutil.copy(ROOT / "Tests/Browser/his_page.html", directory)
    shutil.copy(ROOT / "Tests/Browser/events_page.html", directory)
    return his_pages


def test_allowed_origin_reads_the_card_through_cancuoc_js(browser, bench, his_page):
    _, allowed, _ = his_page
    person = profile_json()["dg13"]
    bench.remove_card()
    # The module comes from the daemon itself (cross-origin: CORS for allowed origins only).
    client = f"{bench.page_origin}/cancuoc.js"
    browser.get(f"{allowed.origin}/his_page.html?port={bench.web_port}&id={person['idNumber']}&client={client}")
    out = browser.find_element(By.ID, "out")
    wait(browser, lambda d: out.get_attribute("data-state") != "starting")
    assert out.get_attribute("data-state") == "connected", out.text
    bench.insert_card()
    wait(browser, lambda d: out.get_attribute("data-state") in ("read", "error"))
    assert out.text == person["fullName"]


def test_an_his_page_gets_the_verified_identity_before_the_face(browser, bench, his_page):
    """On a card as slow as a real chip on a 424 kbit/s reader, `onIdentity` gives the page the
    verified name well before `read` resolves with the face (docs/design.md §5)."""
    _, allowed, _ = his_page
    person = profile_json()["dg13"]
    bench.remove_card()
    browser.get(f"{allowed.origin}/his_page.html?port={bench.web_port}&id={person['idNumber']}")
    out = browser.find_element(By.ID, "out")
    wait(browser, lambda d: out.get_attribute("data-state") != "starting")
    assert out.get_attribute("data-state") == "connected", out.text
    bench.insert_card(timing="424-short")
    wait(browser, lambda d: out.get_attribute("data-state") in ("read", "error"))
    assert out.text == person["fullName"]
    assert out.get_attribute("data-identity") == person["fullName"]
    assert out.get_attribute("data-identity-verdict") == "verified"
    assert out.get_attribute("data-identity-face") == "pending"
    assert out.get_attribute("data-face") == "read"
    identity_ms, read_ms = int(out.get_attribute("data-identity-ms")), int(out.get_attribute("data-read-ms"))
    # The face alone is ~90 APDUs of ~13 ms each in the model: over a second after the identity.
    assert read_ms - identity_ms > 700, (identity_ms, read_ms)
    bench.remove_card()


def test_disallowed_origin_gets_no_data(browser, bench, his_page):
    _, _, other = his_page
    person = profile_json()["dg13"]
    bench.insert_card()
    browser.get(f"{other.origin}/his_page.html?port={bench.web_port}&id={person['idNumber']}")
    out = browser.find_element(By.ID, "out")
    wait(browser, lambda d: out.get_attribute("data-state") in ("read", "error"))
    assert out.get_attribute("data-state") == "error"
    assert out.text == "error: connectionLost"
    assert person["fullName"] not in browser.page_source
    assert other.origin in bench.log()  # the refusal names the origin


def test_leaving_the_events_loop_removes_its_listeners(browser, bench, his_page):
    """cancuoc.js's events(): each loop left with `break`/`return` takes its listeners away, a
    finished iterator is sent nothing more, and close() ends a waiting loop — on real card
    events from the daemon."""
    _, allowed, _ = his_page
    bench.remove_card()
    browser.get(f"{allowed.origin}/events_page.html?port={bench.web_port}&client={bench.page_origin}/cancuoc.js")
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    count = lambda: browser.execute_script("return cancuocTest.listenerCount()")
    # The daemon has seen the card go (that event is behind us) before the loops begin.
    no_card = "cancuocTest.client.readers().then(r => arguments[0](r.readers.every(x => !x.cardPresent)))"
    wait(browser, lambda d: d.execute_async_script(no_card))
    baseline = count()
    # An iterator left at once: it must not collect the events that follow.
    browser.execute_script("window.left = cancuocTest.client.events(); return window.left.return()")
    methods = []
    for i in range(6):
        browser.execute_script("window.got = null; cancuocTest.nextEventMethod().then(m => { window.got = m; })")
        wait(browser, lambda d: count() > baseline)   # this loop is listening
        if i % 2 == 0:
            bench.insert_card()
        else:
            bench.remove_card()
        wait(browser, lambda d: d.execute_script("return window.got") is not None)
        methods.append(browser.execute_script("return window.got"))
        assert count() == baseline, f"loop {i} left listeners behind"
    assert methods == ["card.inserted", "card.removed"] * 3
    assert browser.execute_async_script("window.left.next().then(arguments[0])")["done"] is True
    # close() ends a loop that is waiting, and takes its listeners too.
    browser.execute_script("window.ended = null; cancuocTest.nextEventMethod().then(m => { window.ended = String(m); })")
    wait(browser, lambda d: count() > baseline)
    browser.execute_script("cancuocTest.client.close()")
    wait(browser, lambda d: d.execute_script("return window.ended") is not None)
    assert browser.execute_script("return window.ended") == "undefined"
    assert count() == baseline


def clipboard(driver):
    return driver.execute_async_script("navigator.clipboard.readText().then(arguments[0], e => arguments[0]('ERR ' + e))")


def test_reception_page_reads_copies_and_clears(browser, bench):
    person = profile_json()["dg13"]
    bench.remove_card()
    browser.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": bench.page_origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    browser.get(bench.page_origin + "/")
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    bench.insert_card()
    wait(browser, lambda d: "có thẻ" in d.find_element(By.ID, "readers").text)
    key = browser.find_element(By.ID, "key")
    key.send_keys(person["idNumber"], Keys.ENTER)
    record = browser.find_element(By.ID, "record")
    wait(browser, lambda d: record.is_displayed())
    verdict = browser.find_element(By.ID, "verdict").text
    assert verdict.startswith(("Đã xác thực", "Chưa xác thực được", "Thẻ có dấu hiệu giả mạo")), verdict
    name_cell = browser.find_element(By.CSS_SELECTOR, 'td[data-field="fullName"]')
    assert name_cell.text == person["fullName"]
    browser.find_element(By.CSS_SELECTOR, 'button[data-copy="fullName"]').click()
    wait(browser, lambda d: "Đã sao chép" in d.find_element(By.ID, "copied").text)
    assert clipboard(browser) == person["fullName"]
    browser.find_element(By.ID, "copy-all").click()
    wait(browser, lambda d: "toàn bộ" in d.find_element(By.ID, "copied").text)
    row = clipboard(browser).split("\t")
    assert row[0] == person["idNumber"] and row[1] == person["fullName"]
    assert len(row) == 18  # 16 fields, then the current province and commune codes (docs/address.md)
    assert row[16] == "01" and row[17] == ""  # Quảng An was split: no commune until one is picked
    browser.save_screenshot(os.environ.get("CANCUOC_SCREENSHOT", str(bench.work / "reception.png")))
    bench.remove_card()
    wait(browser, lambda d: not record.is_displayed())
    assert person["fullName"] not in browser.find_element(By.TAG_NAME, "main").text
    assert browser.find_elements(By.CSS_SELECTOR, 'td[data-field]') == []
    assert "rút ra" in browser.find_element(By.ID, "status").text


def test_reception_page_offers_the_wards_a_split_commune_became_and_copies_the_pick(browser, bench):
    """The profile's residence, "…, Quảng An, Tây Hồ, Hà Nội" on a card of 2021: Quảng An was
    split, so the page names the two current wards, chooses neither, and copies the one staff
    pick with Hà Nội's code (docs/address.md)."""
    person = profile_json()["dg13"]
    assert "Quảng An, Tây Hồ, Hà Nội" in person["placeOfResidence"]
    bench.remove_card()
    browser.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": bench.page_origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    browser.get(bench.page_origin + "/")
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    bench.insert_card()
    wait(browser, lambda d: "có thẻ" in d.find_element(By.ID, "readers").text)
    browser.find_element(By.ID, "key").send_keys(person["idNumber"], Keys.ENTER)
    wait(browser, lambda d: d.find_element(By.ID, "address").is_displayed())
    current = browser.find_element(By.ID, "address-current")
    assert "Thành phố Hà Nội (01)" in current.text and current.get_attribute("data-commune") == ""
    buttons = browser.find_elements(By.CSS_SELECTOR, "#address button[data-candidate]")
    assert sorted(b.text for b in buttons) == ["Phường Hồng Hà", "Phường Tây Hồ"]
    pick = next(b for b in buttons if b.text == "Phường Tây Hồ")
    pick.click()
    wait(browser, lambda d: d.find_element(By.ID, "address-current").get_attribute("data-commune") == "00103")
    assert pick.get_attribute("aria-pressed") == "true"
    browser.find_element(By.ID, "copy-all").click()
    wait(browser, lambda d: "toàn bộ" in d.find_element(By.ID, "copied").text)
    row = clipboard(browser).split("\t")
    assert row[-2:] == ["01", "00103"]
    bench.remove_card()
    wait(browser, lambda d: not d.find_element(By.ID, "address").is_displayed())
    assert "Quảng An" not in browser.find_element(By.TAG_NAME, "main").text


def test_reception_page_shows_the_verified_identity_while_the_face_is_read(browser, bench):
    """On a card as slow as a real chip on a 106 kbit/s reader (the face takes ~2.7 s), staff
    see the verified name and can copy it before the portrait arrives (docs/design.md §5)."""
    person = profile_json()["dg13"]
    bench.remove_card()
    browser.get(bench.page_origin + "/")
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    bench.insert_card(timing="106-short")
    wait(browser, lambda d: "có thẻ" in d.find_element(By.ID, "readers").text)
    browser.find_element(By.ID, "key").send_keys(person["idNumber"], Keys.ENTER)
    record = browser.find_element(By.ID, "record")
    wait(browser, lambda d: record.is_displayed())
    # First shown: the identity, verified, with the face still being read.
    assert browser.find_element(By.CSS_SELECTOR, 'td[data-field="fullName"]').text == person["fullName"]
    assert browser.find_element(By.ID, "face-note").text == "Đang đọc ảnh chân dung…"
    assert browser.find_element(By.ID, "verdict").text.startswith("Đã xác thực")
    assert browser.find_element(By.ID, "face-image").get_attribute("src") in (None, "")
    # Then the face.
    wait(browser, lambda d: (d.find_element(By.ID, "face-image").get_attribute("src") or "").startswith("data:image/jpeg"))
    assert browser.find_element(By.ID, "face-note").text == ""
    assert "Đã đọc xong" in browser.find_element(By.ID, "status").text
    bench.remove_card()
    wait(browser, lambda d: not record.is_displayed())


POLICY_DIR = Path("/etc/chromium/policies/managed")


def his_page_state(his_origin, bench, *flags):
    """Loads the HIS page in a fresh Chromium; returns its state once it connected or failed."""
    driver, profile = start_chromium(*flags)
    try:
        driver.get(f"{his_origin}/his_page.html?port={bench.web_port}&id=000000000000")
        out = driver.find_element(By.ID, "out")
        wait(driver, lambda d: out.get_attribute("data-state") != "starting")
        return out.get_attribute("data-state")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_local_network_access_blocks_a_public_page_unless_the_policy_allows_it(bench, his_page):
    """Chromium's Local Network Access, with the allowed HIS page made to count as a public
    site (--ip-address-space-overrides): without the policy the WebSocket to 127.0.0.1 is
    blocked by the browser (headless cannot prompt); with LocalNetworkAccessAllowedForUrls in
    /etc/chromium/policies/managed/ (docs/security.md) it connects."""
    _, allowed, _ = his_page
    public = f"--ip-address-space-overrides=127.0.0.1:{allowed.port}=public"
    secure = f"--unsafely-treat-insecure-origin-as-secure={allowed.origin}"
    bench.remove_card()
    assert his_page_state(allowed.origin, bench) == "connected"              # same address space
    assert his_page_state(allowed.origin, bench, public, secure) == "error"  # LNA blocks it
    policy = POLICY_DIR / f"cancuoc-test-{os.getpid()}.json"
    created = not POLICY_DIR.exists()
    POLICY_DIR.mkdir(parents=True, exist_ok=True)
    try:
        policy.write_text(json.dumps({"LocalNetworkAccessAllowedForUrls": [allowed.origin]}))
        assert his_page_state(allowed.origin, bench, public, secure) == "connected"
    finally:
        policy.unlink(missing_ok=True)
        if created:
            shutil.rmtree(POLICY_DIR.parent, ignore_errors=True)


def test_reception_page_names_the_failed_check_of_a_forged_card(browser, bench):
    person = profile_json()["dg13"]
    bench.remove_card()
    browser.get(bench.page_origin + "/")
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    bench.insert_card(fault="dg-modified")     # a data group edited after signing
    wait(browser, lambda d: "có thẻ" in d.find_element(By.ID, "readers").text)
    browser.find_element(By.ID, "key").send_keys(person["idNumber"], Keys.ENTER)
    wait(browser, lambda d: d.find_element(By.ID, "record").is_displayed())
    verdict = browser.find_element(By.ID, "verdict")
    assert verdict.get_attribute("class") == "failed"
    assert verdict.text.startswith("Thẻ có dấu hiệu giả mạo — không đạt: chữ ký số của cơ quan cấp trên dữ liệu"), verdict.text
    bench.remove_card()
    wait(browser, lambda d: not d.find_element(By.ID, "record").is_displayed())


def test_reception_page_tells_the_receptionist_to_use_the_contactless_reader(browser, bench):
    """The ID card pushed into a dual reader's contact slot, its contact chip silent: the page
    says what to do, in Vietnamese, instead of "no reader"."""
    person = profile_json()["dg13"]
    bench.remove_card()
    browser.get(bench.page_origin + "/")
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    bench.insert_card(contact_chip="silent")
    wait(browser, lambda d: "có thẻ" in d.find_element(By.ID, "readers").text)
    browser.find_element(By.ID, "key").send_keys(person["idNumber"], Keys.ENTER)
    status = browser.find_element(By.ID, "status")
    wait(browser, lambda d: "chip tiếp xúc" in status.text)
    assert "đặt thẻ lên đầu đọc không tiếp xúc (NFC)" in status.text, status.text
    assert "Không tìm thấy đầu đọc" not in status.text
    assert not browser.find_element(By.ID, "record").is_displayed()
    assert person["idNumber"] not in bench.log()
    bench.remove_card()


def test_reception_page_clears_a_record_nobody_uses(browser, bench):
    person = profile_json()["dg13"]
    bench.insert_card()
    browser.get(bench.page_origin + "/")
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    wait(browser, lambda d: "có thẻ" in d.find_element(By.ID, "readers").text)
    browser.find_element(By.ID, "key").send_keys(person["idNumber"], Keys.ENTER)
    wait(browser, lambda d: d.find_element(By.ID, "record").is_displayed())
    shown = time.monotonic()
    # The card stays on the reader; web.pageClearSeconds (10 s here) without a key or click.
    wait(browser, lambda d: not d.find_element(By.ID, "record").is_displayed(), seconds=30)
    assert time.monotonic() - shown >= 9
    assert "lâu không thao tác" in browser.find_element(By.ID, "status").text
    assert person["fullName"] not in browser.find_element(By.TAG_NAME, "main").text
    bench.remove_card()


def test_cancuoc_js_reconnects_when_the_daemon_restarts(browser, bench):
    bench.remove_card()
    browser.get(bench.page_origin + "/")
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    status = browser.find_element(By.ID, "connection")
    bench.daemon.terminate()
    bench.daemon.wait(15)
    wait(browser, lambda d: "Mất kết nối" in status.text)
    bench.start_daemon()
    # Back-off from 0.5 s; the page subscribes again and lists the readers.
    wait(browser, lambda d: status.text.startswith("Đã kết nối"), seconds=30)
    bench.insert_card()
    wait(browser, lambda d: "có thẻ" in d.find_element(By.ID, "readers").text)   # events flow again
    bench.remove_card()


def test_cancuoc_js_sends_a_read_again_when_the_stopping_daemon_refuses_it(browser, bench, his_page):
    """An update restarts the daemon while the desk reads: the read in flight finishes, a read
    asked meanwhile is refused with -32000 "stopping", and cancuoc.js sends it again once it has
    reconnected to the new daemon — the page sees a record, never the refusal."""
    directory, allowed, _ = his_page
    shutil.copy(ROOT / "Tests/Browser/retry_page.html", directory)
    id_number = profile_json()["dg13"]["idNumber"]
    # A real chip's speed on a 424 kbit/s reader: the first read lasts long enough to be in flight.
    bench.insert_card(timing="424-short")
    browser.get(f"{allowed.origin}/retry_page.html?port={bench.web_port}&id={id_number}")
    out = browser.find_element(By.ID, "out")
    wait(browser, lambda d: out.get_attribute("data-state") == "connected")
    browser.execute_script("startRead('first')")
    time.sleep(0.5)
    bench.daemon.terminate()  # SIGTERM: the daemon drains (up to 6 s) before it exits
    time.sleep(0.2)
    browser.execute_script("startRead('second')")
    wait(browser, lambda d: out.get_attribute("data-retries") == "1", seconds=15)
    bench.daemon.wait(15)
    bench.start_daemon()
    wait(browser, lambda d: out.get_attribute("data-second") not in (None, "reading"), seconds=60)
    assert out.get_attribute("data-second") == "read verified", out.get_attribute("data-second")
    assert out.get_attribute("data-first") == "read verified", out.get_attribute("data-first")
    assert out.get_attribute("data-retries") == "1"
    bench.remove_card()
