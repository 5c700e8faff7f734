"""The harness itself, proved against each real CLI (see conftest.py for how to run these)."""

from __future__ import annotations

import re

import pytest

from tests.realcli.fakes.base import shell, text
from tests.realcli.harness import START_DIALOGS, RealCliOffice

pytestmark = pytest.mark.realcli

ONE_LINE = "harness one-line; $(x) #{y} `id` 'q' \"dq\" \\ end"
FIVE_LINES = "harness five l1\nline2 ; $(x)\nline3 #{y}\n  line4 indented\nline5 end"


def test_starts_to_its_input_box(office: RealCliOffice) -> None:
    office.up()
    screen = office.wait_input_box()
    if office.kind == "claude":
        assert re.search(r"^─{20,}\n❯\u00a0[ \u00a0]*\n─{20,}$", screen, re.M), screen
    elif office.kind == "codex":
        assert re.search(r"^› Ask Codex to do anything$", screen, re.M), screen
        assert "? for shortcuts" in screen
    else:
        assert re.search(r"^ >   Type your message or @path/to/file", screen, re.M), screen
    assert office.status()["state"] != "absent"


def test_pasted_messages_reach_the_model_once_byte_exact(office: RealCliOffice) -> None:
    office.up()
    office.wait_input_box()
    office.fake.enqueue(text("first answer"), text("second answer"))
    office.submit(ONE_LINE)
    office.wait_text("first answer")
    office.wait_input_box()
    office.submit(FIVE_LINES)
    office.wait_text("second answer")
    assert office.fake.user_texts() == [ONE_LINE, FIVE_LINES]


def test_scripted_shell_call_brings_up_the_approval_prompt(office: RealCliOffice) -> None:
    office.up()
    office.wait_input_box()
    marker = office.project / "approved"
    office.fake.enqueue(shell(f"touch {marker}"))
    office.submit("please run the command")
    screen = office.wait_approval()
    assert f"touch {marker}" in screen
    assert not marker.exists()


def test_a_dialog_left_in_shows_at_start_up(office: RealCliOffice) -> None:
    dialog, question = START_DIALOGS[office.kind]
    office.up(leave=[dialog])
    screen = office.wait_text(question, timeout=60)
    assert office.profile.box_text(screen) is None or not office.profile.ready(screen, office.title())
