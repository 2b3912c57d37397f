"""make demo, browser part: headless Chromium (Debian's chromium + chromium-driver, Selenium)
opens the reception page, types the ID number, waits for the record and saves a screenshot.
   Usage: demo_browser.py PAGE_URL ID_NUMBER SCREENSHOT.png"""
import shutil
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

url, id_number, shot = sys.argv[1:4]
# The browser's profile holds the page's storage and history (a citizen's record was on it): it
# goes with the browser, so nothing but the screenshot asked for stays on disk.
profile = tempfile.mkdtemp(prefix="cancuoc-demo-chromium-")
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
            f"--user-data-dir={profile}", "--window-size=1366,768"):
    options.add_argument(arg)
driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
try:
    driver.set_window_size(1366, 768)
    driver.get(url)
    wait = WebDriverWait(driver, 40, poll_frequency=0.1)
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    wait.until(lambda d: "có thẻ" in d.find_element(By.ID, "readers").text)
    driver.find_element(By.ID, "key").send_keys(id_number, Keys.ENTER)
    wait.until(lambda d: d.find_element(By.ID, "record").is_displayed())
    print("   readers:", driver.find_element(By.ID, "readers").text.replace("\n", "; "))
    print("   verdict:", driver.find_element(By.ID, "verdict").text.split("\n")[0])
    print("   name shown:", driver.find_element(By.CSS_SELECTOR, 'td[data-field="fullName"]').text)
    driver.save_screenshot(shot)
finally:
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)
