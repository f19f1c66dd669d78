#!/usr/bin/env python3
"""Drives the union's desk pages in headless Chromium (selenium) for Tests/WorkbenchTests/UnionBrowserTests.swift.

Input: one JSON argument: {"base": "http://127.0.0.1:8740", "clerk": [id, password], "auditor": [id, password],
"upload": path of an import file, "artefacts": folder}.
Output on stdout: one JSON object with what the pages showed; the Swift test asserts on it. A screenshot of each
page is saved in the artefacts folder. Exits 2 when the browser cannot be started.
"""

import json
import os
import sys
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select

from pages import Browser

HOUSEHOLD = {
    "file_number": "KM-2017-0001", "division_code": "530102", "monthly_income": "1200",
    "employer": "昆明某机械厂",
}
HOUSEHOLD_CHOICES = {"housing": "租房", "primary_cause": "下岗失业"}
MEMBERS = [
    {"name": "张某", "id_number": "530102197506121314",
     "choices": {"relation": "本人", "health": "健康", "work_status": "下岗"}},
    {"name": "李某", "id_number": "530102197702032423",
     "choices": {"relation": "配偶", "health": "患病", "work_status": "无"}},
    {"name": "张某某", "id_number": "530102200409183155",
     "choices": {"relation": "子女", "health": "健康", "work_status": "在学", "school_level": "初中"}},
]


def main():
    settings = json.loads(sys.argv[1])
    base = settings["base"]
    artefacts = settings["artefacts"]
    downloads = os.path.join(artefacts, "downloads")
    browser = Browser(settings, window="1280,2400", downloads=downloads)
    driver, wait, result, shot = browser.driver, browser.wait, browser.result, browser.shot
    log_in, click_and_wait = browser.log_in, browser.click_and_wait

    def type_into(name, value):
        field = driver.find_element(By.ID, name)
        field.clear()
        field.send_keys(value)

    def choose(name, value):
        Select(driver.find_element(By.ID, name)).select_by_value(value)

    try:
        # A clerk: home, the form (three members, the third after "add a member"), the household page.
        log_in(*settings["clerk"])
        result["homeLinks"] = [link.get_attribute("id") for link in
                               driver.find_elements(By.CSS_SELECTOR, "#union-links a")]
        shot("union-01-home")
        driver.find_element(By.ID, "link-register").click()
        wait.until(expected_conditions.presence_of_element_located((By.ID, "household-form")))
        for name, value in HOUSEHOLD.items():
            type_into(name, value)
        driver.execute_script("arguments[0].value = '2017-03-15'", driver.find_element(By.ID, "filed_on"))
        for name, value in HOUSEHOLD_CHOICES.items():
            choose(name, value)
        for index, member in enumerate(MEMBERS[:2]):
            type_into(f"m{index}_name", member["name"])
            type_into(f"m{index}_id_number", member["id_number"])
            for name, value in member["choices"].items():
                choose(f"m{index}_{name}", value)
        click_and_wait(driver.find_element(By.ID, "add-member"))
        result["keptAfterAdd"] = driver.find_element(By.ID, "m1_name").get_attribute("value")
        type_into("m2_name", MEMBERS[2]["name"])
        type_into("m2_id_number", MEMBERS[2]["id_number"])
        for name, value in MEMBERS[2]["choices"].items():
            choose(f"m2_{name}", value)
        shot("union-02-form")
        click_and_wait(driver.find_element(By.ID, "submit"))
        wait.until(expected_conditions.presence_of_element_located((By.ID, "file-number")))
        result["filedURL"] = driver.current_url.replace(base, "")
        result["filedCategory"] = driver.find_element(By.ID, "category").text
        result["filedNotice"] = driver.find_element(By.ID, "notice").text
        result["memberIdentities"] = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#members td.id")]
        shot("union-03-household")

        # Upload an import file, read the results, download the results file.
        driver.get(base + "/import")
        driver.find_element(By.ID, "file").send_keys(settings["upload"])
        click_and_wait(driver.find_element(By.ID, "upload"))
        wait.until(expected_conditions.presence_of_element_located((By.ID, "import-results")))
        result["importSummary"] = driver.find_element(By.ID, "summary").text
        result["importRows"] = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
                                for row in driver.find_elements(By.CSS_SELECTOR, "#import-results tbody tr")]
        shot("union-04-import")
        driver.find_element(By.ID, "results-csv").click()
        downloaded = None
        deadline = time.time() + 15
        while time.time() < deadline and downloaded is None:
            names = [name for name in os.listdir(downloads) if name.endswith(".csv")]
            downloaded = os.path.join(downloads, names[0]) if names else None
            time.sleep(0.2)
        if downloaded:
            with open(downloaded, "rb") as file:
                data = file.read()
            result["downloadVia"] = "download"
        else:
            # A headless Chromium that does not save downloads: fetch the same link with the page's session.
            href = driver.find_element(By.ID, "results-csv").get_attribute("href")
            data = bytes(driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => done(Array.from(new Uint8Array(b))));",
                href))
            result["downloadVia"] = "fetch"
        result["downloadBOM"] = data[:3] == b"\xef\xbb\xbf"
        result["downloadLines"] = data.decode("utf-8-sig").splitlines()

        # Search by the last six of an identity number, open the file from the results.
        driver.get(base + "/search")
        type_into("q", "032423")
        click_and_wait(driver.find_element(By.ID, "search"))
        result["searchFiles"] = [row.get_attribute("data-file") for row in
                                 driver.find_elements(By.CSS_SELECTOR, "#results tbody tr")]
        shot("union-05-search")
        click_and_wait(driver.find_element(By.LINK_TEXT, "KM-2017-0001"))
        result["householdTimeline"] = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
                                       for row in driver.find_elements(By.CSS_SELECTOR, "#timeline tbody tr")]
        result["clerkSeesUpdate"] = len(driver.find_elements(By.ID, "update-link")) == 1
        click_and_wait(driver.find_element(By.ID, "lang"))
        result["englishStatus"] = driver.find_element(By.ID, "status").text
        shot("union-06-household-en")
        click_and_wait(driver.find_element(By.ID, "lang"))
        click_and_wait(driver.find_element(By.ID, "logout"))

        # An auditor: the same page read-only, with who has read it.
        log_in(*settings["auditor"])
        driver.get(base + "/households/KM-2017-0001")
        wait.until(expected_conditions.presence_of_element_located((By.ID, "file-number")))
        result["auditorSeesUpdate"] = len(driver.find_elements(By.ID, "update-link")) == 1
        result["readers"] = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")][:2]
                             for row in driver.find_elements(By.CSS_SELECTOR, "#readers tbody tr")]
        shot("union-07-auditor")
        driver.get(base + "/households/KM-2017-0001/update")
        result["auditorUpdateHeading"] = driver.find_element(By.ID, "refused").text
        shot("union-08-auditor-refused")
    except Exception as error:  # noqa: BLE001 - report the page the failure happened on
        result["error"] = f"{type(error).__name__}: {error} at {driver.current_url}"
        shot("union-failure")
    finally:
        driver.quit()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
