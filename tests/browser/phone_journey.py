"""Helpers for the secretary's phone journey: a touch viewport and an honest tap counter."""

import datetime

from django.utils import timezone

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 1,
    "has_touch": True,
    "is_mobile": True,
    "locale": "zh-CN",
}
# A phone's native date-time picker: open it, set the day, set the time.
DATETIME_PICKER_TAPS = 3
# Picking from a native <select> on a phone: open the list, choose.
SELECT_TAPS = 2
# A photo: open the chooser, pick the picture.
FILE_TAPS = 2


class Taps:
    """Counts what a person does with a thumb: every tap, every field focused, every choice picked;
    and the characters typed (the typing time)."""

    def __init__(self, page):
        self.page = page
        self.count = 0
        self.typed = 0
        self.log = []

    def _note(self, n, what):
        self.count += n
        self.log.append((n, what))

    def tap(self, locator, what="", *, navigates=False):
        if navigates:
            with self.page.expect_navigation():
                locator.tap()
            self.page.wait_for_load_state("networkidle")
        else:
            locator.tap()
        self._note(1, what or "tap")

    def type(self, locator, text, what=""):
        locator.tap()
        locator.fill(text)
        self.typed += len(text)
        self._note(1, what or f"type {text}")

    def select(self, locator, value, what=""):
        locator.select_option(value)
        self._note(SELECT_TAPS, what or f"select {value}")

    def datetime(self, locator, value, what=""):
        locator.fill(value)
        self._note(DATETIME_PICKER_TAPS, what or f"datetime {value}")

    def photo(self, locator, path, what="photo"):
        locator.set_input_files(path)
        self._note(FILE_TAPS, what)

    def confirm_next_dialog(self):
        """The browser's confirm() box: accepting it is one more tap."""
        self.page.once("dialog", lambda d: d.accept())
        self._note(1, "confirm")


def committee_branch(world, *, today=None):
    """The branch of a typical 支委会: a four-member committee (班子) and seven other members."""
    from branches.models import CommitteePosition, CommitteeSeat, Member, MemberCategory, Term

    today = today or timezone.localdate()
    org = world.branch_a1
    term = Term.objects.create(
        organization=org, number=1, start=today - datetime.timedelta(days=400), end=today + datetime.timedelta(days=600)
    )
    positions = list(CommitteePosition.objects.order_by("order")[:4])
    committee = [world.members["secretary"]]
    committee += [
        Member.objects.create(organization=org, name=n, category=MemberCategory.FULL)
        for n in ("王组织", "李宣传", "赵纪检")
    ]
    for member, position in zip(committee, positions, strict=True):
        CommitteeSeat.objects.create(term=term, member=member, position=position, start=term.start)
    for i in range(6):
        Member.objects.create(organization=org, name=f"普通党员{i + 1}", category=MemberCategory.FULL)
    return committee


def shoot(page, name, at=None):
    """A small PNG for docs/screenshots (the viewport, not the whole page)."""
    import os
    from pathlib import Path

    if not os.environ.get("MEETING_SHOTS"):
        return
    if at:
        page.locator(at).first.scroll_into_view_if_needed()
    out = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"{name}.png"))
