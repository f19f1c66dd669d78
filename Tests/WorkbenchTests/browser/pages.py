"""What the workbench's browser scripts share (workbench.py, union.py, desk.py): headless Chromium, the wait for a
page that was replaced, screenshots in the artefacts folder, logging in and out."""

import json
import os
import shutil
import sys

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def replaced(element):
    """A wait condition: the page holding `element` was replaced. Chromium reports a replaced page's element as stale,
    or, in a race while the new document loads, as a node that "does not belong to the document"; both mean gone
    (selenium's own staleness_of knows only the first)."""
    def check(_driver):
        try:
            element.is_enabled()
            return False
        except (StaleElementReferenceException, WebDriverException):
            return True
    return check


class Browser:
    """One headless Chromium on the workbench at `settings["base"]`, its screenshots in `settings["artefacts"]`, and
    `result`, the JSON object the script prints (with `screenshots`, the paths saved). Exits 2, printing why, when
    the browser cannot be started."""

    def __init__(self, settings, window, timeout=20, downloads=None):
        self.base = settings["base"]
        self.artefacts = settings["artefacts"]
        os.makedirs(self.artefacts, exist_ok=True)
        options = webdriver.ChromeOptions()
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={window}",
                         "--lang=zh-CN"):
            options.add_argument(argument)
        if downloads:
            os.makedirs(downloads, exist_ok=True)
            options.add_experimental_option("prefs", {
                "download.default_directory": downloads, "download.prompt_for_download": False,
            })
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if binary:
            options.binary_location = binary
        driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
        try:
            self.driver = webdriver.Chrome(service=Service(driver_path), options=options)
        except Exception as error:  # noqa: BLE001 - report any start failure as such
            print(json.dumps({"error": f"cannot start headless Chromium: {error}"}))
            sys.exit(2)
        self.result = {"screenshots": []}
        # A page replaced while an element is read: look again rather than fail (the race of reading the old page).
        self.wait = WebDriverWait(self.driver, timeout, ignored_exceptions=(StaleElementReferenceException,))

    def shot(self, name):
        """Saves a screenshot of the page as `name`.png in the artefacts folder."""
        path = os.path.join(self.artefacts, name + ".png")
        self.driver.save_screenshot(path)
        self.result["screenshots"].append(path)

    def click_and_wait(self, element):
        """Clicks `element` and waits until its page is replaced."""
        element.click()
        self.wait.until(replaced(element))

    def log_in(self, staff, password):
        """Logs in on the login page; returns once the next page replaced it."""
        self.driver.get(self.base + "/login")
        self.driver.find_element(By.ID, "staff-id").clear()
        self.driver.find_element(By.ID, "staff-id").send_keys(staff)
        self.driver.find_element(By.ID, "password").send_keys(password)
        self.click_and_wait(self.driver.find_element(By.ID, "login"))

    def log_out(self):
        """Logs out with the button at the top; returns on the login page."""
        self.click_and_wait(self.driver.find_element(By.ID, "logout"))
        self.wait.until(expected_conditions.url_contains("/login"))
