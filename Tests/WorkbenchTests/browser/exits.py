#!/usr/bin/env python3
"""Drives the union's exit and visit pages in headless Chromium (selenium) for
Tests/WorkbenchTests/UnionExitBrowserTests.swift.

Input: one JSON argument: {"base": "http://127.0.0.1:8740", "filer": [id, password], "reviewer": [id, password],
"approver": [id, password], "artefacts": folder}.
Output on stdout: one JSON object with what the pages showed; the Swift test asserts on it. A screenshot of each
page is saved in the artefacts folder. Exits 2 when the browser cannot be started.
"""

import json
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select

from pages import Browser
from union import HOUSEHOLD, HOUSEHOLD_CHOICES, MEMBERS

FILE = "KM-2017-0001"


def main():
    settings = json.loads(sys.argv[1])
    base = settings["base"]
    browser = Browser(settings, window="1280,2400")
    driver, wait, result, shot = browser.driver, browser.wait, browser.result, browser.shot
    log_in, log_out, click_and_wait = browser.log_in, browser.log_out, browser.click_and_wait

    def type_into(name, value):
        field = driver.find_element(By.ID, name)
        field.clear()
        field.send_keys(value)

    def choose(name, value):
        Select(driver.find_element(By.ID, name)).select_by_value(value)

    def set_date(element, value):
        """A date input's value, whatever the browser's locale shows."""
        driver.execute_script("arguments[0].value = arguments[1]", element, value)

    def open_exit_page():
        driver.get(base + f"/households/{FILE}/exit")
        wait.until(expected_conditions.presence_of_element_located((By.ID, "file-number")))

    def submit(form_id, button_id, date, fields=None):
        """Fills the form `form_id` (the business date, text fields by id), submits it, waits for the next page."""
        form = driver.find_element(By.ID, form_id)
        set_date(form.find_element(By.CSS_SELECTOR, "input[name=on]"), date)
        for name, value in (fields or {}).items():
            type_into(name, value)
        click_and_wait(driver.find_element(By.ID, button_id))

    def message():
        found = driver.find_elements(By.ID, "message")
        return found[0].text if found else ""

    try:
        # The filer files the household with the form, then records its own request to exit (Monday 22 May 2017).
        log_in(*settings["filer"])
        driver.get(base + "/register")
        wait.until(expected_conditions.presence_of_element_located((By.ID, "household-form")))
        for name, value in HOUSEHOLD.items():
            type_into(name, value)
        set_date(driver.find_element(By.ID, "filed_on"), "2017-03-15")
        for name, value in HOUSEHOLD_CHOICES.items():
            choose(name, value)
        for index, member in enumerate(MEMBERS[:2]):
            type_into(f"m{index}_name", member["name"])
            type_into(f"m{index}_id_number", member["id_number"])
            for name, value in member["choices"].items():
                choose(f"m{index}_{name}", value)
        click_and_wait(driver.find_element(By.ID, "add-member"))
        type_into("m2_name", MEMBERS[2]["name"])
        type_into("m2_id_number", MEMBERS[2]["id_number"])
        for name, value in MEMBERS[2]["choices"].items():
            choose(f"m2_{name}", value)
        click_and_wait(driver.find_element(By.ID, "submit"))
        wait.until(expected_conditions.presence_of_element_located((By.ID, "exit-link")))
        click_and_wait(driver.find_element(By.ID, "exit-link"))
        submit("form-request", "request", "2017-05-22")
        result["requestMessage"] = message()
        result["filerMayReview"] = len(driver.find_elements(By.ID, "form-review")) == 1
        shot("exit-01-requested")
        log_out()

        # The reviewer sees the proposal under 待审查 and accepts it on Friday 26 May 2017.
        log_in(*settings["reviewer"])
        driver.get(base + "/")
        click_and_wait(driver.find_element(By.ID, "link-exits"))
        set_date(driver.find_element(By.ID, "on"), "2017-05-24")
        click_and_wait(driver.find_element(By.ID, "show"))
        result["reviewStage"] = [row.get_attribute("data-file") for row in
                                 driver.find_elements(By.CSS_SELECTOR, "#stage-review tbody tr")]
        shot("exit-02-list")
        click_and_wait(driver.find_element(By.CSS_SELECTOR, "#stage-review tbody tr a[href$='/exit']"))
        Select(driver.find_element(By.ID, "review-decision")).select_by_value("accept")
        submit("form-review", "review", "2017-05-26")
        result["state"] = driver.find_element(By.ID, "exit-state").text
        result["publicity"] = driver.find_element(By.ID, "publicity").text
        shot("exit-03-reviewed")
        log_out()

        # The filer records an objection on 31 May; the 公示 list on 1 June shows the household.
        log_in(*settings["filer"])
        open_exit_page()
        submit("form-objection", "object", "2017-05-31", {"objector": "邻居王某", "objection-text": "家中新购轿车"})
        result["objections"] = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")][:5]
                                for row in driver.find_elements(By.CSS_SELECTOR, "#objections tbody tr")]
        driver.get(base + "/exits/publicity?on=2017-06-01")
        wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "section.sheet")))
        result["publicityRows"] = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
                                   for row in driver.find_elements(By.CSS_SELECTOR, "table.publicity tbody tr")]
        result["publicityHasNavigation"] = len(driver.find_elements(By.ID, "logout")) > 0
        result["publicityText"] = driver.find_element(By.TAG_NAME, "body").text
        shot("exit-04-publicity")
        driver.get(base + "/")
        log_out()

        # The approver: refused while the objection is open; dismisses it; refused on 5 June, the last day of
        # publicity; approves on 6 June; opens the notice.
        log_in(*settings["approver"])
        open_exit_page()
        submit("form-approve", "approve", "2017-06-06")
        result["refusedObjectionOpen"] = message()
        resolve = driver.find_element(By.CSS_SELECTOR, "form[id^=form-resolve-]")
        objection = resolve.find_element(By.CSS_SELECTOR, "input[name=objection]").get_attribute("value")
        Select(driver.find_element(By.ID, f"resolve-decision-{objection}")).select_by_value("dismiss")
        submit(f"form-resolve-{objection}", f"resolve-{objection}", "2017-06-01",
               {f"resolve-reason-{objection}": "车辆登记在他人名下"})
        result["resolutions"] = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")][4]
                                 for row in driver.find_elements(By.CSS_SELECTOR, "#objections tbody tr")]
        submit("form-approve", "approve", "2017-06-05")
        result["refusedPublicityRunning"] = message()
        shot("exit-05-refused")
        submit("form-approve", "approve", "2017-06-06")
        result["approvedState"] = driver.find_element(By.ID, "exit-state").text
        result["acts"] = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")][:3]
                          for row in driver.find_elements(By.CSS_SELECTOR, "#acts tbody tr")]
        shot("exit-06-approved")
        click_and_wait(driver.find_element(By.ID, "notice-link"))
        result["noticeTitle"] = driver.find_element(By.ID, "notice-title").text
        result["noticeText"] = driver.find_element(By.TAG_NAME, "body").text
        shot("exit-07-notice")
        driver.get(base + "/")
        log_out()

        # The filer: the visits overdue on 7 December 2017, then the visit of 6 December recorded.
        log_in(*settings["filer"])
        driver.get(base + "/visits?on=2017-12-07&overdue=1")
        wait.until(expected_conditions.presence_of_element_located((By.ID, "visit-filter")))
        result["overdueVisits"] = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")][:5]
                                   for row in driver.find_elements(By.CSS_SELECTOR, "#due-visits tbody tr")]
        shot("exit-08-visits")
        click_and_wait(driver.find_element(By.LINK_TEXT, FILE))
        Select(driver.find_element(By.ID, "visit-stable")).select_by_value("yes")
        submit("form-visit", "visit", "2017-12-06", {"visit-findings": "已再就业"})
        driver.get(base + f"/households/{FILE}")
        wait.until(expected_conditions.presence_of_element_located((By.ID, "exit-state")))
        result["householdExitState"] = driver.find_element(By.ID, "exit-state").text
        result["householdVisits"] = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")][:6]
                                     for row in driver.find_elements(By.CSS_SELECTOR, "#visits tbody tr")]
        shot("exit-09-household")
    except Exception as error:  # noqa: BLE001 - report the page the failure happened on
        result["error"] = f"{type(error).__name__}: {error} at {driver.current_url}"
        shot("exit-failure")
    finally:
        driver.quit()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
