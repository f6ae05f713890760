"""Self check-in in Chromium: the coordinator opens the check-in screen; two peer supporters on
390 px phones check in (one types the code, one follows the link read back from the screen's QR
code); one is late; a stale code is refused; the roster shows both; the coordinator corrects one;
the dashboard counts them. A partner representative joining online checks in with the link
the coordinator posts in the meeting's chat."""

import datetime as dt
import re
import struct
import zlib

import pytest
import time_machine
import zxingcpp
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings import services
from meetings.models import Attendance
from members.models import Membership
from tests.factories import MembershipFactory

from .conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _gray_pixels(png: bytes) -> tuple[bytes, int, int]:
    """A Chromium screenshot (8-bit RGB or RGBA PNG) as one gray byte per pixel."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", data[:10])
            assert (depth, colour) in ((8, 2), (8, 6)), (depth, colour)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    gray = bytearray()
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + predictor) & 0xFF
        gray += bytes(line[1::channels])  # the green channel: black and white either way
        previous = line
    return bytes(gray), width, height


def read_qr(page) -> str:
    """Decode the QR code the screen shows, from a screenshot of it."""
    pixels, width, height = _gray_pixels(page.locator("svg.check-in-qr").screenshot())
    [barcode] = zxingcpp.read_barcodes(memoryview(pixels).cast("B", (height, width)))
    return barcode.text


def _phone(browser, live_server, user):
    context = browser.new_context(viewport=PHONE)
    phone = context.new_page()
    return log_in(phone, live_server.url, user)


def test_self_check_in(login, world, live_server, browser):
    second_peer = MembershipFactory(
        campus=world.campus, role=Membership.Role.PEER_SUPPORTER, user__name="Sam Second"
    ).user
    tz = world.campus.tz
    day = timezone.now().astimezone(tz).date() + dt.timedelta(days=2)
    starts_at = dt.datetime.combine(day, dt.time(17), tzinfo=tz)
    meeting = services.schedule_meeting(
        campus=world.campus,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=90),
        title="November community of practice",
        location="Student Centre, room 204",
        online_link="https://meet.example.edu/cop",
        by=world.coordinator,
    )

    with time_machine.travel(starts_at + dt.timedelta(minutes=2), tick=True) as clock:
        # The coordinator opens the check-in screen on the room's laptop.
        screen = login(world.coordinator)
        screen.set_viewport_size({"width": 1280, "height": 900})
        screen.goto(f"{live_server.url}{meeting.get_absolute_url()}")
        screen.get_by_role("link", name="Open the check-in screen").click()
        expect(screen.get_by_text("0 of 4 people checked in")).to_be_visible()
        assert_accessible(screen)
        first_code = screen.locator("[data-check-in-code]").inner_text()
        assert len(first_code) == 6

        # A peer supporter on a phone opens the meeting and types the code.
        phone = _phone(browser, live_server, world.peer)
        phone.goto(f"{live_server.url}{meeting.get_absolute_url()}")
        phone.get_by_role("link", name="Check in", exact=True).click()
        assert_accessible(phone)
        phone.get_by_label("Code on the screen").fill(first_code.lower())
        phone.get_by_role("button", name="Check in").click()
        expect(
            phone.get_by_text("You are checked in to “November community of practice”: present.")
        ).to_be_visible()
        assert_accessible(phone)
        phone.context.close()

        # Twelve minutes after the start, past the grace period: the screen shows a new code.
        clock.move_to(starts_at + dt.timedelta(minutes=12))
        screen.reload()
        expect(screen.get_by_text("1 of 4 people checked in")).to_be_visible()
        code = screen.locator("[data-check-in-code]").inner_text()
        assert code != first_code
        link = read_qr(screen)
        check_in_path = reverse(
            "meetings:check_in", kwargs={"campus": world.campus.slug, "pk": meeting.pk}
        )
        assert link == f"{live_server.url}{check_in_path}?code={code}"
        screen.set_viewport_size(PHONE)
        assert_accessible(screen)
        screen.set_viewport_size({"width": 1280, "height": 900})

        # The second scans the QR code: the link opens the page with the code filled in.
        phone = _phone(browser, live_server, second_peer)
        phone.goto(link)
        assert phone.get_by_label("Code on the screen").input_value() == code
        phone.get_by_role("button", name="Check in").click()
        expect(
            phone.get_by_text("You are checked in to “November community of practice”: late.")
        ).to_be_visible()
        phone.context.close()

        # A photo of the first code, sent to someone else, has gone stale.
        phone = _phone(browser, live_server, world.partner)
        phone.goto(f"{live_server.url}{check_in_path}")
        phone.get_by_label("Code on the screen").fill(first_code)
        phone.get_by_role("button", name="Check in").click()
        expect(phone.get_by_text("This code is too old")).to_be_visible()
        assert_accessible(phone)

        # The partner joins online: the coordinator posts the link in the meeting's chat.
        screen.get_by_role("link", name="Online or hybrid: a link for the meeting's chat").click()
        assert_accessible(screen)
        online_link = screen.get_by_label("Check-in link").input_value()
        phone.goto(online_link)
        expect(phone.get_by_text("You opened the meeting's online check-in link.")).to_be_visible()
        phone.get_by_role("button", name="Check in").click()
        expect(
            phone.get_by_text("You are checked in to “November community of practice”: late.")
        ).to_be_visible()
        phone.context.close()
        assert dict(
            Attendance.objects.filter(meeting=meeting).values_list("user__name", "presence")
        ) == {
            world.peer.name: "present",
            "Sam Second": "late",
            world.partner.name: "late",
            world.coordinator.name: "unrecorded",
        }
        assert Attendance.objects.get(meeting=meeting, user=world.partner).presence_source == (
            "self_link"
        )
        screen.go_back()

        # The roster shows both as self check-ins; the coordinator corrects one.
        screen.get_by_role("link", name="Record or correct presence").click()
        expect(
            screen.get_by_text(
                f"{world.peer.name} checked in themselves at 17:02 with the code: present"
            )
        ).to_be_visible()
        expect(
            screen.get_by_text("Sam Second checked in themselves at 17:12 with the code: late")
        ).to_be_visible()
        screen.get_by_role("group", name="Sam Second").get_by_text("Present", exact=True).click()
        assert_accessible(screen)
        screen.get_by_role("button", name="Save presence").click()
        expect(screen.get_by_text(re.compile(r"^Saved presence: 3 there, "))).to_be_visible()
        expect(
            screen.get_by_text(
                "Sam Second checked in themselves at 17:12; changed by a coordinator to present"
            )
        ).to_be_visible()
        row = Attendance.objects.get(meeting=meeting, user=second_peer)
        assert (row.presence, row.presence_source) == ("present", "coordinator")

    # The next day, the dashboard counts both as attended.
    with time_machine.travel(starts_at + dt.timedelta(days=1), tick=True):
        screen.goto(f"{live_server.url}{reverse('reports:dashboard', args=[world.campus.slug])}")
        for name in (world.peer.name, "Sam Second", world.partner.name):
            row = screen.get_by_role("row").filter(has_text=name)
            expect(row.get_by_text("1 of 1").first).to_be_visible()
