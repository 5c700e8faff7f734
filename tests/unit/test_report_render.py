"""Every format shows hostile task text as text: HTML, Markdown, rich and plain text, and JSON data."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gizinterm.ground.errors import UsageError
from gizinterm.office.roster import load_roster
from gizinterm.report.compose import build_next_move
from gizinterm.report.model import NextMove
from gizinterm.report.render import pick_format, render, renderable
from tests.helpers import write_office
from tests.unit.test_report_compose import T

HOSTILE = [
    "<script>alert('x')</script> shipped",
    '"><img src=x onerror=alert(1)> & [click](javascript:alert(1)) | extra cell | *bold* `code` ~~gone~~',
    "[/] [@click=app.quit] [bold red]not markup[/bold red]",
    "osc \x1b]52;c;ZXZpbA==\x07 title \x1b]2;pwned\x07 \u202egnp.exe",
]
ALLOWED_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "body",
    "table",
    "tr",
    "td",
    "th",
    "h1",
    "p",
    "strong",
    "span",
    "em",
    "br",
}


@pytest.fixture
def report(tmp_path: Path) -> NextMove:
    roster = load_roster(write_office(tmp_path, 2))
    tasks = [T(i + 1, text, f"2026-02-28T0{i}:00:00+00:00") for i, text in enumerate(HOSTILE)]
    tasks.append(T(9, "blocked on <vendor>", "2026-02-28T09:00:00+00:00", status="blocked"))
    tasks.append(T(10, "a1's work", agent="a1", agent_name="Agent1"))
    return build_next_move(roster, dt.date(2026, 2, 28), tasks, 10)


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_escapes_everything_and_is_a_standalone_page(report: NextMove) -> None:
    page = render(report, "html")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert '<meta charset="utf-8">' in page and "<link" not in page and "<style" not in page
    parser = TagCollector()
    parser.feed(page)
    assert set(parser.tags) <= ALLOWED_TAGS, set(parser.tags) - ALLOWED_TAGS
    assert not {a for a in parser.attrs if a.startswith("on") or a in ("src", "href")}
    shown = "".join(parser.text)
    assert "<script>alert('x')</script> shipped" in shown  # the words survive, as text
    assert '"><img src=x onerror=alert(1)>' in shown
    assert "\x1b" not in page and "\u202e" not in page
    assert "(blocked)" in shown and "blocked on <vendor>" in shown
    assert "The Test's Next Move" in shown and "February 28, 2026 — 2 AI Employees Active" in shown


def unescaped_pipes(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row))


def test_markdown_keeps_hostile_text_inside_its_cell(report: NextMove) -> None:
    md = render(report, "md")
    rows = [r for r in md.splitlines() if r.startswith("| Agent")]
    assert len(rows) == 2
    for row in rows:
        assert unescaped_pipes(row) == 3, row  # "| cell | |": the text added no cell
    first = rows[0]
    assert "\\<script\\>" in first and "\\[click\\](javascript:alert(1))" in first
    assert "\\*bold\\*" in first and "\\`code\\`" in first and "\\~\\~gone\\~\\~" in first and "\\&" in first
    assert "<" not in first.replace("\\<", "")
    assert "\x1b" not in md


def test_rich_output_is_text_not_markup_and_drops_escapes(report: NextMove) -> None:
    from rich.console import Console

    console = Console(file=io.StringIO(), width=400, record=True, color_system=None)
    console.print(renderable(report))
    out = console.export_text()
    assert "[/] [@click=app.quit] [bold red]not markup[/bold red]" in out
    assert "\x1b" not in out and "52;c;" not in out and "pwned" not in out
    assert "Agent0:" in out and "(blocked)" in out


def test_plain_text_is_one_printable_line_per_employee(report: NextMove) -> None:
    text = render(report, "text")
    lines = text.splitlines()
    assert lines[:2] == ["The Test's Next Move", "February 28, 2026 — 2 AI Employees Active"]
    assert len(lines) == 4 and lines[3] == "Agent1: A1's work"
    assert all(ch.isprintable() for ch in text.replace("\n", ""))


def test_json_carries_the_data(report: NextMove) -> None:
    data = json.loads(render(report, "json"))
    assert data["date"] == "2026-02-28" and data["active"] == 2 and data["heading"] == "The Test's Next Move"
    first = data["rows"][0]
    assert first["agent"] == "a0" and first["task_ids"] == [1, 2, 3, 4, 9] and first["blocked"] == 1
    assert first["role"] == "Role 0" and first["department"] == "Alpha" and first["removed"] is False
    assert first["summary"].startswith("<script>alert('x')</script> shipped; ")


def test_format_choice() -> None:
    assert pick_format(None, None, terminal=True) == "rich"
    assert pick_format(None, None, terminal=False) == "text"
    assert pick_format(None, Path("x.HTML"), terminal=True) == "html"
    assert pick_format(None, Path("x.md"), terminal=True) == "md"
    assert pick_format(None, Path("x.log"), terminal=True) == "text"
    assert pick_format("json", Path("x.md"), terminal=True) == "json"
    with pytest.raises(UsageError, match="not one of"):
        pick_format("pdf", None, terminal=True)
    with pytest.raises(UsageError, match="terminal"):
        pick_format("rich", Path("x.txt"), terminal=False)


def test_an_out_suffix_that_names_no_format_is_refused_unless_format_is_given() -> None:
    known = ".md, .markdown, .html, .htm, .json, .txt, .text, .log, .csv"
    with pytest.raises(UsageError) as caught:
        pick_format(None, Path("/tmp/r.PDF"), terminal=False)
    assert str(caught.value) == f"--out: unknown suffix '.PDF'; use {known}, or name the format with --format"
    with pytest.raises(UsageError, match=r"'report' has no suffix; use \.md"):
        pick_format(None, Path("report"), terminal=True)
    assert pick_format("text", Path("r.pdf"), terminal=False) == "text"
    assert pick_format("html", Path("report"), terminal=False) == "html"


HOSTILE_OFFICE = """[office]
name = "<Evil & Co> [/] \\u001b]0;owned\\u0007\\u202e"
session = "evil"

[defaults]
command = "sh"

[[agent]]
id = "x"
name = "<img src=x onerror=alert(1)> [bold]X[/bold]\\u001b[2J"
role = "<i>role</i>"
department = "R&D | ops"
provider = "<script>p</script>"
model = "m|x"
"""


@pytest.mark.parametrize("kind", ["next_move", "week", "agent", "providers"])
def test_every_report_escapes_names_roles_and_providers_in_every_format(tmp_path: Path, kind: str) -> None:
    from rich.console import Console

    from gizinterm.report.compose import person_of
    from gizinterm.report.providers import build_providers
    from gizinterm.report.week import build_agent_report, build_week

    path = tmp_path / "agents.toml"
    path.write_text(HOSTILE_OFFICE, encoding="utf-8")
    roster = load_roster(path)
    day = dt.date(2026, 2, 28)
    tasks = [T(1, "<b>bold</b> | [x](y)", agent="x", agent_name="X"), T(2, "stuck", agent="x", status="blocked")]
    report = {
        "next_move": lambda: build_next_move(roster, day, tasks, 5),
        "week": lambda: build_week(roster, day, tasks, 5),
        "agent": lambda: build_agent_report(person_of(roster.agents[0]), day, day, tasks, 5),
        "providers": lambda: build_providers(roster, {"x": 2}, {"x": 1, "operator": 1}),
    }[kind]()
    page = render(report, "html")
    parser = TagCollector()
    parser.feed(page)
    assert set(parser.tags) <= ALLOWED_TAGS and "<script" not in page and "<img" not in page and "<i>" not in page
    md = render(report, "md")
    assert "<" not in md.replace("\\<", "")
    text = render(report, "text")
    assert all(ch.isprintable() for ch in text.replace("\n", ""))
    assert "owned" not in text and "\x1b" not in page + md
    json.loads(render(report, "json"))
    console = Console(file=io.StringIO(), width=300, record=True, color_system=None)
    console.print(renderable(report))
    shown = console.export_text()
    if kind != "providers":
        assert "[bold]X[/bold]" in shown  # shown literally, not applied as markup
    else:
        assert "<script>p</script>" in shown
