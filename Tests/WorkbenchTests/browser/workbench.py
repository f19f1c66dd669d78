#!/usr/bin/env python3
"""Drives the coordinator's workbench in headless Chromium (selenium) for Tests/WorkbenchTests/BrowserTests.swift.

Input: one JSON argument: {"base": "http://127.0.0.1:8750", "clerk": [id, password], "outsider": [id, password],
"locked": id, "prefecture": "530100", "otherPrefecture": "530300", "year": 2017, "artefacts": folder}.
Output on stdout: one JSON object with what the pages showed; the Swift test asserts on it. A screenshot of each
page is saved in the artefacts folder. Exits 2 when the browser cannot be started.
"""

import json
import sys
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from pages import Browser


def main():
    settings = json.loads(sys.argv[1])
    base = settings["base"]
    browser = Browser(settings, window="1280,1600")
    driver, wait, result, shot = browser.driver, browser.wait, browser.result, browser.shot
    log_in, log_out = browser.log_in, browser.log_out

    try:
        year = settings["year"]
        driver.get(base + "/login")
        result["loginTitle"] = driver.title
        shot("01-login")

        # A coordinator clerk: home, dashboard, a prefecture.
        log_in(*settings["clerk"])
        wait.until(expected_conditions.presence_of_element_located((By.ID, "dashboard-link")))
        result["homeStaff"] = driver.find_element(By.ID, "staff").text
        shot("02-home")
        driver.find_element(By.ID, "dashboard-link").click()
        wait.until(expected_conditions.presence_of_element_located((By.ID, "province-rate")))
        driver.get(base + f"/dashboard?year={year}")
        result["provinceRate"] = driver.find_element(By.ID, "province-rate").text
        row = driver.find_element(By.CSS_SELECTOR, f"#prefectures tr[data-code='{settings['prefecture']}']")
        result["prefectureRow"] = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        result["charts"] = len(driver.find_elements(By.CSS_SELECTOR, "figure.chart svg"))
        result["htmlLang"] = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
        shot("03-dashboard")
        driver.get(base + f"/dashboard/prefecture/{settings['prefecture']}?year={year}")
        result["prefectureRate"] = driver.find_element(By.ID, "prefecture-rate").text
        shot("04-prefecture")
        # Its first county, by the link in the counties table.
        first = driver.find_element(By.CSS_SELECTOR, "#counties tbody tr[data-code] a")
        first.click()
        wait.until(expected_conditions.presence_of_element_located((By.ID, "county-rate")))
        result["countyName"] = driver.find_element(By.ID, "county-name").text
        result["countyRate"] = driver.find_element(By.ID, "county-rate").text
        shot("04b-county")

        # Money against appropriations: the prefecture's page, its CSV (UTF-8 with a BOM), the province's row.
        driver.get(base + f"/dashboard/money/{settings['prefecture']}?year={year}")
        wait.until(expected_conditions.presence_of_element_located((By.ID, "money-measures")))
        row = driver.find_element(By.CSS_SELECTOR, "#money-measures tr[data-measure='medical.assistance']")
        result["moneyMeasureRow"] = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        result["moneyTotalAppropriated"] = driver.find_element(By.ID, "total-appropriated").text
        result["moneyCharts"] = len(driver.find_elements(By.CSS_SELECTOR, "figure.chart svg"))
        shot("04c-money")
        csv_link = driver.find_element(By.ID, "csv").get_attribute("href")
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
        with urllib.request.urlopen(urllib.request.Request(csv_link, headers={"Cookie": cookies})) as response:
            body = response.read()
        result["moneyCSVBOM"] = body.startswith(b"\xef\xbb\xbf")
        lines = body.decode("utf-8-sig").split("\r\n")
        result["moneyCSVLine"] = next((line for line in lines if ",医疗救助," in line), "")
        driver.get(base + f"/dashboard/money?year={year}")
        row = driver.find_element(By.CSS_SELECTOR, f"#money-prefectures tr[data-code='{settings['prefecture']}']")
        result["moneyPrefectureRow"] = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]

        # English, then back to Chinese.
        driver.get(base + f"/dashboard?year={year}")
        driver.find_element(By.ID, "lang").click()
        wait.until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
        result["englishHeading"] = driver.find_element(By.TAG_NAME, "h1").text
        result["englishProvinceRate"] = driver.find_element(By.ID, "province-rate").text
        shot("05-dashboard-en")
        driver.find_element(By.ID, "lang").click()
        wait.until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN")

        # A POST without a CSRF token, with the logged-in session's cookie: refused.
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
        request = urllib.request.Request(base + "/logout", data=b"", method="POST",
                                         headers={"Cookie": cookies,
                                                  "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request) as response:
                result["csrfStatus"] = response.status
        except urllib.error.HTTPError as error:
            result["csrfStatus"] = error.code
        driver.refresh()
        result["stillLoggedInAfterForgedPost"] = len(driver.find_elements(By.ID, "logout")) == 1

        log_out()
        result["afterLogout"] = driver.current_url.replace(base, "")
        result["logoutMessage"] = driver.find_element(By.ID, "message").text
        shot("06-logged-out")
        driver.get(base + "/dashboard")
        result["dashboardAfterLogout"] = driver.current_url.replace(base, "")

        # A prefecture's member opening another prefecture.
        log_in(*settings["outsider"])
        wait.until(expected_conditions.presence_of_element_located((By.ID, "logout")))
        driver.get(base + f"/dashboard/prefecture/{settings['otherPrefecture']}")
        refused = driver.find_elements(By.ID, "refused")
        result["outOfAreaRefused"] = len(refused) == 1
        result["outOfAreaText"] = driver.find_element(By.TAG_NAME, "main").text
        shot("07-out-of-area")
        log_out()

        # Five wrong passwords: the fifth locks.
        messages = []
        for attempt in range(5):
            log_in(settings["locked"], f"wrong password {attempt}")
            messages.append(driver.find_element(By.ID, "message").text)
        result["lockMessages"] = messages
        shot("08-locked")
    finally:
        driver.quit()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
