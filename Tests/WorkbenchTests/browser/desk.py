#!/usr/bin/env python3
"""Drives a department's desk pages in headless Chromium (selenium) for
Tests/WorkbenchTests/DepartmentDeskBrowserTests.swift.

Input: one JSON argument: {"base": "http://127.0.0.1:7350", "clerk": [id, password], "approver": [id, password],
"proposals": 2, "reference": "…", "artefacts": folder}. The clerk also holds the approver role (to show that nobody approves their own
proposal). Output on stdout: one JSON object with what the pages showed; the Swift test asserts on it. A screenshot
of each page is saved in the artefacts folder. Exits 2 when the browser cannot be started.
"""

import json
import sys
import traceback

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions

from pages import Browser, replaced


# A POST the page does not offer: the decide form's fields, sent by script with the page's own CSRF token.
CRAFTED_POST = """
const done = arguments[arguments.length - 1];
const csrf = document.querySelector('input[name=csrf]').value;
const body = new URLSearchParams();
body.append('csrf', csrf);
body.append('verdict', 'approve');
for (const measure of arguments[0]) body.append('measure', measure);
fetch('/desk/decide', {method: 'POST', body: body, credentials: 'same-origin'})
  .then(response => response.text().then(text => done([response.status, text])))
  .catch(error => done([0, String(error)]));
"""


def main():
    settings = json.loads(sys.argv[1])
    base = settings["base"]
    browser = Browser(settings, window="1400,1600", timeout=30)
    driver, wait, result, shot = browser.driver, browser.wait, browser.result, browser.shot
    log_in, log_out = browser.log_in, browser.log_out

    def rows():
        return [row.get_attribute("data-measure")
                for row in driver.find_elements(By.CSS_SELECTOR, "#worklist tbody tr[data-measure]")]

    try:
        # The clerk (who is also an approver): home with counts, the list to propose, two proposals.
        log_in(*settings["clerk"])
        wait.until(expected_conditions.presence_of_element_located((By.ID, "worklists")))
        result["homeCounts"] = {
            row.get_attribute("data-list"): row.find_element(By.CSS_SELECTOR, "td.count").text
            for row in driver.find_elements(By.CSS_SELECTOR, "#worklists tbody tr")}
        shot("desk-01-home")
        driver.find_element(By.CSS_SELECTOR, "tr[data-list=to-propose] a").click()
        wait.until(expected_conditions.presence_of_element_located((By.ID, "worklist")))
        result["toProposeHeading"] = driver.find_element(By.ID, "list-name").text
        result["toProposeBefore"] = rows()
        shot("desk-02-to-propose")
        proposed = []
        for _ in range(settings["proposals"]):
            row = driver.find_element(By.CSS_SELECTOR, "#worklist tbody tr[data-measure]")
            measure = row.get_attribute("data-measure")
            row.find_element(By.CSS_SELECTOR, "select.decision option[value=approve]").click()
            row.find_element(By.CSS_SELECTOR, "input.reason").send_keys("材料齐全")
            button = row.find_element(By.CSS_SELECTOR, "button.propose-button")
            button.click()
            wait.until(replaced(button))
            wait.until(expected_conditions.presence_of_element_located((By.ID, "message")))
            result["proposedMessage"] = driver.find_element(By.ID, "message").text
            proposed.append(measure)
        result["proposed"] = proposed
        result["toProposeAfter"] = rows()
        shot("desk-03-proposed")

        # The same person may not approve their own proposals: not on their list, and a crafted POST is refused.
        driver.get(base + "/desk/worklist/awaiting")
        wait.until(expected_conditions.presence_of_element_located((By.ID, "list-name")))
        result["clerkAwaitingRows"] = len(driver.find_elements(By.CSS_SELECTOR, "tr[data-measure]"))
        result["clerkCheckboxes"] = len(driver.find_elements(By.CSS_SELECTOR, "input.select"))
        shot("desk-04-awaiting-own")
        driver.set_script_timeout(20)
        status, text = driver.execute_async_script(CRAFTED_POST, proposed)
        result["craftedStatus"] = status
        result["craftedRefusedOwn"] = "不能审核本人的提议" in text
        log_out()

        # An approver: the proposals of someone else, selected at once.
        log_in(*settings["approver"])
        driver.get(base + "/desk/worklist/awaiting")
        wait.until(expected_conditions.presence_of_element_located((By.ID, "worklist")))
        result["approverAwaiting"] = rows()
        shot("desk-05-awaiting")
        for measure in proposed:
            driver.find_element(By.CSS_SELECTOR, f"input.select[value='{measure}']").click()
        button = driver.find_element(By.ID, "approve-selected")
        button.click()
        wait.until(replaced(button))
        wait.until(expected_conditions.presence_of_element_located((By.ID, "results")))
        result["resultsSummary"] = driver.find_element(By.ID, "results-summary").text
        result["outcomes"] = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "#results tbody tr")]
        shot("desk-06-results")
        driver.find_element(By.ID, "back").click()
        wait.until(expected_conditions.presence_of_element_located((By.ID, "list-name")))
        result["awaitingAfter"] = len(driver.find_elements(By.CSS_SELECTOR, "tr[data-measure]"))
        result["awaitingEmpty"] = len(driver.find_elements(By.ID, "empty")) == 1
        shot("desk-07-awaiting-empty")

        # The household's history: who proposed, who approved.
        file_number = proposed[0].split("/")[0]
        driver.get(base + "/desk/household/" + file_number)
        wait.until(expected_conditions.presence_of_element_located((By.ID, "history")))
        result["historyStaff"] = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#history td.staff")]
        result["historyKinds"] = [row.get_attribute("data-kind")
                                  for row in driver.find_elements(By.CSS_SELECTOR, "#history tbody tr")]
        shot("desk-08-household")
        driver.get(base + "/desk/worklist/due?lang=en")
        wait.until(expected_conditions.presence_of_element_located((By.ID, "list-name")))
        result["englishHeading"] = driver.find_element(By.ID, "list-name").text
        shot("desk-09-due-english")
        log_out()

        # A measure without money to wait for (an enrolment: 0 yuan) proposed by the clerk and approved by the
        # approver; the clerk then records its delivery from the due list (登记发放).
        log_in(*settings["clerk"])
        driver.get(base + "/desk/worklist/to-propose?lang=zh")
        wait.until(expected_conditions.presence_of_element_located((By.ID, "worklist")))
        row = driver.find_element(
            By.CSS_SELECTOR,
            "#worklist tbody tr[data-measure*='medical.basic-enrolment'], "
            "#worklist tbody tr[data-measure*='medical.catastrophic']")
        delivered = row.get_attribute("data-measure")
        button = row.find_element(By.CSS_SELECTOR, "button.propose-button")
        button.click()
        wait.until(replaced(button))
        log_out()
        log_in(*settings["approver"])
        driver.get(base + "/desk/worklist/awaiting")
        wait.until(expected_conditions.presence_of_element_located((By.ID, "worklist")))
        button = driver.find_element(By.CSS_SELECTOR, f"button.approve-one[value='{delivered}']")
        button.click()
        wait.until(replaced(button))
        wait.until(expected_conditions.presence_of_element_located((By.ID, "results")))
        log_out()
        log_in(*settings["clerk"])
        driver.get(base + "/desk/worklist/due")
        wait.until(expected_conditions.presence_of_element_located((By.ID, "worklist")))
        result["dueBeforeDelivery"] = rows()
        row = driver.find_element(By.CSS_SELECTOR, f"#worklist tbody tr[data-measure='{delivered}']")
        row.find_element(By.CSS_SELECTOR, "form.deliver input.reference").send_keys(settings["reference"])
        button = row.find_element(By.CSS_SELECTOR, "button.deliver-button")
        button.click()
        wait.until(replaced(button))
        wait.until(expected_conditions.presence_of_element_located((By.ID, "message")))
        result["delivered"] = delivered
        result["deliveredMessage"] = driver.find_element(By.ID, "message").text
        result["dueAfterDelivery"] = rows()
        shot("desk-10-delivered")
        driver.get(base + "/desk/household/" + delivered.split("/")[0])
        wait.until(expected_conditions.presence_of_element_located((By.ID, "deliveries")))
        result["deliveryRows"] = [(row.get_attribute("data-measure"), row.find_element(By.CSS_SELECTOR, "td.reference").text,
                                   row.find_element(By.CSS_SELECTOR, "td.staff").text)
                                  for row in driver.find_elements(By.CSS_SELECTOR, "#deliveries tbody tr")]
        shot("desk-11-household-deliveries")
    except Exception:  # noqa: BLE001 - say where it stopped, with the page it was on
        result["error"] = traceback.format_exc()
        result["url"] = driver.current_url
        result["page"] = driver.find_element(By.TAG_NAME, "body").text[:2000]
        print(json.dumps(result, ensure_ascii=False))
        sys.exit(1)
    finally:
        driver.quit()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
