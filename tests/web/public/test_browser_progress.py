"""In Chromium: the tracker's progress shows only what happened (issue 13, item 8).

A fixed request, one that skipped steps, a duplicate and one refused as not the
city's, each read as a resident reads the page: the steps, what a screen reader
says, and where the duplicate's ending leads.
"""

from __future__ import annotations

import pytest

from civic311.service_requests import services
from tests.web.public.conftest import file_pothole
from tests.web.public.test_browser import check_page, stay_local

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def steps_on(page, number: str) -> list[tuple[str, str]]:
    """(words, as a screen reader reads them too, and state) of each step on `number`'s tracker."""
    page.goto(f"{page.base}/requests/{number}")
    items = page.locator(".steps > li")
    return [
        (" ".join(item.inner_text().split()), item.get_attribute("class").split()[1][6:])
        for item in items.all()
    ]


def spoken_summary(page) -> str:
    return page.locator(".progress__summary").inner_text()


def test_the_progress_of_four_requests_says_what_really_happened(page, pothole):
    stay_local(page)
    every_step = file_pothole(pothole)
    for status in ("investigating", "action_scheduled", "in_progress", "fixed"):
        services.change_status(every_step, status=status, actor=None)
    skipped = file_pothole(pothole)
    services.change_status(skipped, status="in_progress", actor=None)
    services.change_status(skipped, status="fixed", actor=None)
    refused = file_pothole(pothole)
    services.change_status(refused, status="not_councils_responsibility", actor=None)
    duplicate = file_pothole(pothole, channel="web")
    services.mark_duplicate(duplicate, parent=skipped, actor=None)

    assert steps_on(page, every_step.tracking_number) == [
        ("Done: Received", "done"),
        ("Done: Reviewed", "done"),
        ("Done: Work scheduled", "done"),
        ("Done: In progress", "done"),
        ("Done: Completed", "done"),
    ]
    assert spoken_summary(page) == "Completed."
    check_page(page, "progress-fixed")

    assert steps_on(page, skipped.tracking_number) == [
        ("Done: Received", "done"),
        ("Reviewed skipped", "skipped"),
        ("Work scheduled skipped", "skipped"),
        ("Done: In progress", "done"),
        ("Done: Completed", "done"),
    ]
    assert spoken_summary(page) == "Completed. Skipped: Reviewed, Work scheduled."
    check_page(page, "progress-skipped")

    assert steps_on(page, refused.tracking_number) == [
        ("Done: Received", "done"),
        ("Done: Closed: not the city's responsibility", "done"),
    ]
    assert spoken_summary(page) == "Closed: not the city's responsibility."
    check_page(page, "progress-refused")

    ending = f"Closed: duplicate of {skipped.tracking_number}"
    assert steps_on(page, duplicate.tracking_number) == [
        ("Done: Received", "done"),
        ("Done: " + ending, "done"),
    ]
    assert spoken_summary(page) == ending + "."
    check_page(page, "progress-duplicate")
    page.locator(".steps").get_by_role("link", name=ending).click()
    page.wait_for_url(f"**/requests/{skipped.tracking_number}")
    assert "Completed." in spoken_summary(page)
