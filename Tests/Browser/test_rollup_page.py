"""The province roll-up's HTML page (docs/inventory.md, "Trust") in headless Chromium: made by the
real `cancuoc inventory rollup` from clinic reports (one current, one with an expired CRL, one
from an older version without `trust`), opened from the file as the province opens it. The page
shows which clinics are current, loads nothing from anywhere and runs no script."""
import json
import os
import shutil
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone

import pytest

from conftest import BIN
from test_chromium import start_chromium

from selenium.webdriver.common.by import By  # noqa: E402

REGISTRY = """id,name,district,type,declaredReaderNeed
DN-001,Bệnh viện Đa khoa tỉnh,Thành phố Đồng Xoài,Bệnh viện,1
DN-002,Trạm Y tế xã Lộc Hiệp,Huyện Lộc Ninh,Trạm y tế xã,1
DN-003,Trạm Y tế xã Lộc Thái,Huyện Lộc Ninh,Trạm y tế xã,1
DN-004,Trạm Y tế xã Lộc Tấn,Huyện Lộc Ninh,Trạm y tế xã,1
"""


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def report(facility, now, trust="absent"):
    window = {"reads": 0, "ok": 0, "failed": 0, "failureRate": None}
    usage = {"lastDay": window, "last7Days": window, "last30Days": window, "medianReadMs": None,
             "outcomes30Days": {}, "faceChecks30Days": {}}
    r = {"format": 1, "facility": {"id": facility, "name": None}, "generatedAt": iso(now - timedelta(hours=1)),
         "software": "cancuoc test", "retentionDays": 90, "lostEvents": 0, "readers": [], "totals": usage,
         "usageLogDamage": None}
    if trust != "absent":
        r["trust"] = trust
    return r


@pytest.fixture(scope="module")
def rollup_page():
    work = tempfile.mkdtemp(prefix="cancuoc-rollup-")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    trust = lambda issued, next_update, packages: {
        "cscas": 1, "newestCRLIssued": iso(issued), "newestCRLNextUpdate": iso(next_update),
        "packages": [{"name": n, "version": v} for n, v in packages]}
    reports = {
        "DN-001": report("DN-001", now, trust(now - timedelta(days=3), now + timedelta(days=87),
                                              [("cancuoc-trust-dongnai", "2")])),
        "DN-002": report("DN-002", now, trust(now - timedelta(days=20), now - timedelta(days=10),
                                              [("cancuoc-trust-dongnai", "1")])),
        "DN-003": report("DN-003", now),  # an older version: no `trust` key at all
    }
    paths = []
    for fid, r in reports.items():
        path = os.path.join(work, fid + ".json")
        with open(path, "w") as f:
            json.dump(r, f)
        paths.append(path)
    registry = os.path.join(work, "facilities.csv")
    with open(registry, "w") as f:
        f.write(REGISTRY)
    out = os.path.join(work, "out")
    run = subprocess.run([str(BIN / "cancuoc"), "inventory", "rollup", "--registry", registry, "--out", out] + paths,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    expired_on = (now - timedelta(days=10)).strftime("%Y-%m-%d")
    yield os.path.join(out, "inventory-rollup.html"), expired_on, run.stdout
    shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module")
def chromium():
    driver, profile = start_chromium()
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def test_the_rollup_page_shows_which_clinics_trust_is_not_current(chromium, rollup_page):
    path, expired_on, table = rollup_page
    chromium.get("file://" + path)
    assert chromium.find_element(By.ID, "kpi-crl-current").text.startswith("1 / 4")
    section = chromium.find_element(By.ID, "trust")
    rows = section.find_elements(By.CSS_SELECTOR, "tr[data-crl]")
    assert [(r.get_attribute("data-crl"), r.find_element(By.TAG_NAME, "td").text) for r in rows] == [
        ("expired", "DN-002"), ("unknown", "DN-003")]
    assert f"The CRL expired on {expired_on}: revocation is not checked." in rows[0].text
    assert f"CRL đã hết hạn ngày {expired_on}" in rows[0].text
    assert "Unknown: no trust information" in rows[1].text
    assert rows[0].is_displayed()
    # The per-facility table: the CRL state, the newest CRL's age and the packages of each facility.
    cells = {}
    for tr in chromium.find_elements(By.CSS_SELECTOR, "#facilities tr")[1:]:
        tds = [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        cells[tds[0]] = tds
    headers = [th.text for th in chromium.find_elements(By.CSS_SELECTOR, "#facilities th")]
    crl = headers.index("CRL")
    assert cells["DN-001"][crl] == "còn hạn / current"
    assert cells["DN-001"][crl + 1].endswith("(3 ngày / days)")
    assert cells["DN-001"][crl + 2] == "cancuoc-trust-dongnai=2"
    assert cells["DN-002"][crl] == "hết hạn / expired"
    assert cells["DN-003"][crl] == "không rõ / unknown" and cells["DN-004"][crl] == "không rõ / unknown"
    assert "Kiểm tra khuôn mặt 30 ngày / Face checks" in headers
    # Self-contained: nothing loaded besides the file, no script.
    assert chromium.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert chromium.execute_script("return document.scripts.length") == 0
    # The terminal table says the same.
    assert "DN-002 Trạm Y tế xã Lộc Hiệp: CRL đã hết hạn ngày " + expired_on in table
