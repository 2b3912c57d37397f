"""The face check from a web page (docs/face-check.md), in headless Chromium with a fake camera: a y4m
video made with ffmpeg from a real photo (the face_recognition 1.3.0 test photos, fetched by
`make face-models`), the simulated card carrying another photo of the same person in DG2
(`cancuoc sim --portrait`), the real cancuocd and the real sandboxed matcher. Consent refused:
the camera is never opened and no frame leaves the page."""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import BIN, ROOT, Bench, profile_json
from test_chromium import start_chromium, wait

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

ASSETS = ROOT / ".build/face"


@pytest.fixture(scope="module")
def face_media():
    work = Path(tempfile.mkdtemp(prefix="cancuoc-face-media-"))
    photos = ASSETS / "photos"
    assert (photos / "obama.jpg").exists(), "run `make face-models` first"
    portrait = work / "portrait.jpg"
    subprocess.run(["convert", str(photos / "obama.jpg"), "-resize", "240x320", "-quality", "75", str(portrait)],
                   check=True, capture_output=True)
    # Two seconds of camera: the photo drifting a few pixels, as a live face does.
    video = work / "camera.y4m"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-loop", "1", "-i", str(photos / "obama2.jpg"), "-t", "3",
                    "-r", "15", "-vf",
                    "scale=-2:560,pad=760:560:(ow-iw)/2:0:gray,crop=640:480:60+40*sin(t*4):40+20*cos(t*3)",
                    "-pix_fmt", "yuv420p", str(video)], check=True)
    yield portrait, video
    shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module")
def face_bench(his_pages):
    directory, allowed, _ = his_pages
    shutil.copy(ROOT / "clients/js/cancuoc.js", directory)
    shutil.copy(ROOT / "Tests/Browser/face_page.html", directory)
    os.environ["CANCUOC_FACE_MATCHER"] = str(BIN / "cancuoc-face-matcher")
    os.environ["CANCUOC_FACE_MODELS"] = str(ASSETS / "models")
    work = tempfile.mkdtemp(prefix="cancuoc-face-web-")
    # The default message limit (64 KiB): cancuoc.js sizes the three frames to fit in it.
    b = Bench(work, origins=[allowed.origin])
    yield b, allowed
    b.stop()
    shutil.rmtree(work, ignore_errors=True)


def run_page(face_bench, face_media, consent):
    bench, allowed = face_bench
    portrait, video = face_media
    driver, profile = start_chromium("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                                     f"--use-file-for-fake-video-capture={video}")
    try:
        bench.insert_card(portrait=portrait)
        person = profile_json()["dg13"]
        driver.get(f"{allowed.origin}/face_page.html?port={bench.web_port}&id={person['idNumber']}"
                   f"&consent={1 if consent else 0}")
        out = driver.find_element(By.ID, "out")
        wait(driver, lambda d: out.get_attribute("data-state") in ("checked", "error"), seconds=90)
        return {k: out.get_attribute(f"data-{k}") for k in ("state", "verdict", "decision", "source", "frames",
                                                              "largest-sent", "camera-opened")} | {"text": out.text}
    finally:
        bench.remove_card()
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_the_live_face_from_the_camera_matches_the_chip(face_bench, face_media):
    page = run_page(face_bench, face_media, consent=True)
    assert page["state"] == "checked", page["text"]
    assert page["decision"] == "match", page
    assert page["source"] == "browser"
    assert page["frames"] == "3"
    assert page["text"].startswith("Kiểm tra khuôn mặt: Khuôn mặt khớp")
    assert 20000 < int(page["largest-sent"]) <= 65536, "the frames went to the daemon, in one message"
    log = face_bench[0].log()
    assert "face.check" in log and "decision=match" in log
    assert "/9j/" not in log, "no frame in the daemon's log"


def test_consent_refused_opens_no_camera_and_sends_no_frame(face_bench, face_media):
    page = run_page(face_bench, face_media, consent=False)
    assert page["state"] == "checked", page["text"]
    assert page["decision"] == "declined"
    assert page["camera-opened"] == "false"
    assert int(page["largest-sent"]) < 2000, "nothing bigger than a request without frames left the page"


def test_the_reception_page_asks_consent_then_shows_the_decision(face_bench, face_media):
    bench, _ = face_bench
    portrait, video = face_media
    driver, profile = start_chromium("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                                     f"--use-file-for-fake-video-capture={video}")
    try:
        person = profile_json()["dg13"]
        driver.get(f"{bench.page_origin}/")
        wait(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
        bench.insert_card(portrait=portrait)
        wait(driver, lambda d: "có thẻ" in d.find_element(By.ID, "readers").text)
        driver.find_element(By.ID, "key").send_keys(person["idNumber"], Keys.ENTER)
        start = driver.find_element(By.ID, "face-check-start")
        wait(driver, lambda d: start.is_displayed(), seconds=60)
        assert start.text == "Kiểm tra khuôn mặt"
        start.click()
        consent = driver.find_element(By.ID, "face-consent")
        assert consent.is_displayed() and "đồng ý" in consent.text
        driver.find_element(By.ID, "face-consent-yes").click()
        result = driver.find_element(By.ID, "face-result")
        wait(driver, lambda d: result.get_attribute("data-decision"), seconds=90)
        assert result.get_attribute("data-decision") == "match", result.text
        assert result.text.startswith("Kiểm tra khuôn mặt: Khuôn mặt khớp với ảnh trong chip."), result.text
        assert "Khoảng cách 0." in result.text
        assert not driver.find_element(By.ID, "face-preview").is_displayed(), "the camera is closed after the check"
        # Kept with the bench's files (removed after the run unless KEEP_BENCH): it shows a face.
        driver.save_screenshot(str(Path(bench.work) / "reception-face.png"))
        # Clearing the page clears the face check too.
        driver.find_element(By.ID, "clear").click()
        assert result.text == ""
    finally:
        bench.remove_card()
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
