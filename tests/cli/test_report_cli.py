"""`gizin report …` as real subprocesses: the newsletter's day, files, summarizers, errors, exit codes."""

from __future__ import annotations

import datetime as dt
import json
import time
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from gizinterm.store import connect
from gizinterm.store.tasks import add_task
from tests.helpers import copy_example_office, run_gizin
from tests.integration.test_report_store import add_messages, expected_md, expected_text
from tests.report_data import seed_newsletter_day

SUMMARIZER = """#!/bin/sh
# riku fails, ren prints nothing, ryo hangs (with a child), everyone else gets a line counting their items.
case "$GIZIN_REPORT_AGENT" in
  riku) echo "model overloaded" >&2; exit 3 ;;
  ren) cat >/dev/null; exit 0 ;;
  ryo) sleep 30 & sleep 30 ;;
esac
items=$(grep -c '^- ')
echo "wrote $items items for $GIZIN_REPORT_NAME on $GIZIN_REPORT_DATE"
"""


@pytest.fixture
def office(tmp_path: Path, env: dict[str, str]) -> tuple[Path, dict[str, str]]:
    folder = copy_example_office(tmp_path / "office").parent
    seed_newsletter_day(folder / ".gizin" / "gizin.db")
    return folder, {**env, "GIZIN_HOME": str(folder)}


def test_newsletter_day_in_text_md_and_json(office: tuple[Path, dict[str, str]]) -> None:
    _, env = office
    result = run_gizin("report", "next-move", "--date", "2026-02-28", env=env)  # a pipe: text by default
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected_text() and result.stderr == ""
    result = run_gizin("report", "next-move", "--date", "2026-02-28", "--format", "md", env=env)
    assert result.stdout == expected_md()
    data = json.loads(run_gizin("report", "next-move", "--date", "2026-02-28", "--json", env=env).stdout)
    assert data["active"] == 17 and data["rows"][16]["name"] == "Shin"
    rich = run_gizin("report", "next-move", "--date", "2026-02-28", "--format", "rich", env={**env, "COLUMNS": "300"})
    assert "Masahiro: Proposed new scenarios for AI tool sales strategy; led a three-way" in rich.stdout


def test_out_writes_the_whole_file_in_the_suffix_format(office: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    _, env = office
    target = tmp_path / "next-move.html"
    result = run_gizin("report", "next-move", "--date", "2026-02-28", "--out", str(target), env=env)
    assert result.returncode == 0 and result.stdout == ""
    assert f"wrote html to {target}" in result.stderr
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "The Gizin&#x27;s Next Move" in page
    assert "February 28, 2026 — 17 AI Employees Active" in page
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".next-move")] == []
    missing = run_gizin("report", "next-move", "--out", str(tmp_path / "no" / "x.md"), env=env)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert not (tmp_path / "no").exists()


def test_summarizer_success_failure_empty_and_timeout(office: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    _, env = office
    script = tmp_path / "summarize.sh"
    script.write_text(SUMMARIZER)
    started = time.monotonic()
    result = run_gizin(
        "report", "next-move", "--date", "2026-02-28", "--json",
        "--summarize-with", f"sh {script}", "--summarize-timeout", "1",
        env=env,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert elapsed < 15, "a timed-out summarizer (and its child) must be killed, not waited for"
    rows = {r["agent"]: r for r in json.loads(result.stdout)["rows"]}
    assert rows["mamoru"]["summary"] == "Wrote 3 items for Mamoru on 2026-02-28"
    assert rows["mamoru"]["summary_source"] == "command"
    assert rows["ryo"]["summary_source"] == "composed" and rows["ryo"]["summary"].startswith("Deployed external")
    assert rows["riku"]["summary"].startswith("Served as the CEO's") and rows["ren"]["summary_source"] == "composed"
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 3, result.stderr
    assert "summarizer failed for Riku (riku): exited with status 3: model overloaded; using the composed line" in (
        result.stderr
    )
    assert "Ren (ren): printed nothing" in result.stderr and "Ryo (ryo): timed out after 1s" in result.stderr


def test_summarizer_from_the_report_table_and_composed_override(office: tuple[Path, dict[str, str]]) -> None:
    folder, env = office
    roster = folder / "agents.toml"
    roster.write_text(roster.read_text() + "\n[report]\nsummarize_with = \"sh -c 'cat >/dev/null; echo all good'\"\n")
    result = run_gizin("report", "next-move", "--date", "2026-02-28", env=env)
    assert result.returncode == 0 and result.stdout.splitlines()[2] == "Riku: All good"
    result = run_gizin("report", "next-move", "--date", "2026-02-28", "--composed", env=env)
    assert result.stdout == expected_text()
    missing = run_gizin("report", "next-move", "--date", "2026-02-28", "--summarize-with", "no-such-llm-cli", env=env)
    assert missing.returncode == 0 and missing.stdout == expected_text()
    assert missing.stderr.count("cannot run no-such-llm-cli") == 1


def test_user_mistakes_are_one_line_with_documented_codes(office: tuple[Path, dict[str, str]]) -> None:
    folder, env = office
    cases = [
        (("report", "next-move", "--date", "28/02/2026"), 2, "--date: '28/02/2026' is not a day (YYYY-MM-DD)"),
        (("report", "next-move", "--format", "pdf"), 2, "--format: 'pdf' is not one of rich, text, md, html, json"),
        (("report", "agent", "rikuu"), 5, "unknown agent 'rikuu' (did you mean 'riku'?)"),
        (("report", "next-move", "--summarize-with", "'unclosed"), 2, "--summarize-with: cannot parse"),
    ]
    for args, code, message in cases:
        result = run_gizin(*args, env=env)
        assert result.returncode == code, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr
        assert result.stdout == ""
    roster = folder / "agents.toml"
    roster.write_text(roster.read_text() + "\n[report]\nmax_itms = 3\n")
    result = run_gizin("report", "week", env=env)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"gizin: {roster}:{roster.read_text().count(chr(10))}: report.max_itms: unknown key (did you mean 'max_items'?)"
    )


def test_week_agent_and_providers(office: tuple[Path, dict[str, str]]) -> None:
    _, env = office
    week = json.loads(run_gizin("report", "week", "--ending", "2026-02-28", "--json", env=env).stdout)
    assert week["start"] == "2026-02-22" and week["active"] == 17
    assert week["rows"][0]["days_active"] == 2 and week["rows"][0]["task_count"] == 2
    text = run_gizin("report", "agent", "ryo", "--since", "2026-02-20", env=env).stdout
    assert "Ryo · CTO, Head of Technology, Technology" in text and "4 tasks on 1 day, 0 blocked" in text
    result = run_gizin("report", "providers", "--json", env=env)
    data = json.loads(result.stdout)
    assert sum(Fraction(p["tasks"], data["totals"]["tasks"]) for p in data["providers"]) == 1
    assert sum(Fraction(p["agents"], data["totals"]["agents"]) for p in data["models"]) == 1
    assert abs(sum(p["tasks_pct"] for p in data["providers"]) - 100) <= 0.05 * len(data["providers"])
    assert abs(sum(p["agents_pct"] for p in data["models"]) - 100) <= 0.05 * len(data["models"])
    chart = run_gizin("report", "providers", env=env).stdout
    assert "Share of tasks by provider" in chart and "█" in chart and "anthropic" in chart


def test_fast_path_and_typer_path_agree(office: tuple[Path, dict[str, str]]) -> None:
    """`gizin report …` runs without typer; `gizin --office X report …` goes through typer. Same output."""
    folder, env = office
    for args in (
        ("next-move", "--date=2026-02-28", "-f", "md"),
        ("week", "--ending", "2026-02-28", "--json"),
        ("agent", "aoi", "--since", "2026-02-27", "--format", "html"),
        ("providers", "--json"),
    ):
        fast = run_gizin("report", *args, env=env)
        typer = run_gizin("--office", str(folder), "report", *args, env=env)
        assert fast.returncode == typer.returncode == 0, (fast.stderr, typer.stderr)
        assert fast.stdout == typer.stdout and fast.stdout
    for bad in (("next-move", "--bogus"), ("agent",), ("next-move", "--max-items", "0")):
        result = run_gizin("report", *bad, env=env)
        # typer's usage error, in gizin's one-line form
        assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith("gizin: report ") and "(see 'gizin report" in result.stderr
    help_text = run_gizin("report", "next-move", "--help", env=env).stdout
    assert "--summarize-with" in help_text and "--max-items" in help_text


def far_zone() -> str:
    """A zone whose date differs from this machine's right now (UTC+14 and UTC-12 are 26 hours apart, so
    one of them always does): a report that read 'today' off the machine's clock would show the wrong day."""
    local = dt.datetime.now().date()
    zone = next((z for z in ("Pacific/Kiritimati", "Etc/GMT+12") if dt.datetime.now(ZoneInfo(z)).date() != local), "")
    assert zone, "no zone differs from the local date"
    return zone


def test_today_and_yesterday_on_the_office_clock_in_every_report(tmp_path: Path, env: dict[str, str]) -> None:
    roster = copy_example_office(tmp_path / "office")
    zone = far_zone()
    roster.write_text(roster.read_text().replace("[office]\n", f'[office]\ntimezone = "{zone}"\n'))
    office_now = dt.datetime.now(ZoneInfo(zone))
    conn = connect(roster.parent / ".gizin" / "gizin.db")
    try:
        add_task(
            conn, "riku", "Riku", "worked yesterday", created_at=office_now - dt.timedelta(days=1), tz=ZoneInfo(zone)
        )
    finally:
        conn.close()
    env = {**env, "GIZIN_HOME": str(roster.parent)}
    checks = [
        (("next-move", "--date", "yesterday"), "date", -1),
        (("next-move", "--date", "today"), "date", 0),
        (("week", "--ending", "yesterday"), "end", -1),
        (("agent", "riku", "--since", "yesterday"), "since", -1),
        (("providers", "--since", "today"), "since", 0),
    ]
    for prefix in ((), ("--office", str(roster.parent))):  # the fast path, then typer
        for args, key, shift in checks:
            before = (dt.datetime.now(ZoneInfo(zone)) + dt.timedelta(days=shift)).date().isoformat()
            result = run_gizin(*prefix, "report", *args, "--json", env=env)
            after = (dt.datetime.now(ZoneInfo(zone)) + dt.timedelta(days=shift)).date().isoformat()
            assert result.returncode == 0, (prefix, args, result.stderr)
            assert json.loads(result.stdout)[key] in (before, after), (prefix, args)
        moved = json.loads(run_gizin(*prefix, "report", "next-move", "--date", "yesterday", "--json", env=env).stdout)
        assert moved["active"] == 1 and moved["rows"][0]["summary"] == "Worked yesterday"
        bad = run_gizin(*prefix, "report", "week", "--ending", "tomorrow", env=env)
        assert bad.returncode == 2 and bad.stdout == ""
        assert bad.stderr.strip() == "gizin: --ending: 'tomorrow' is not a day (YYYY-MM-DD), 'today' or 'yesterday'"


def test_out_with_an_unknown_suffix_is_refused_before_anything_runs(
    office: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    folder, env = office
    marker = tmp_path / "summarizer-ran"
    summarizer = f"sh -c 'touch {marker}; echo line'"
    for prefix in ((), ("--office", str(folder))):  # the fast path, then typer
        target = tmp_path / "r.pdf"
        result = run_gizin(
            *prefix, "report", "next-move", "--date", "2026-02-28", "--out", str(target),
            "--summarize-with", summarizer, env=env,
        )  # fmt: skip
        assert result.returncode == 2, result.stderr
        assert result.stderr.splitlines() == [
            "gizin: --out: unknown suffix '.pdf'; use .md, .markdown, .html, .htm, .json, .txt, .text, .log, "
            ".csv, or name the format with --format"
        ]
        assert result.stdout == "" and not target.exists() and not marker.exists()
        for args in (("providers",), ("week", "--ending", "2026-02-28"), ("agent", "riku")):
            other = run_gizin(*prefix, "report", *args, "-o", str(tmp_path / "plain"), env=env)
            assert other.returncode == 2 and "'plain' has no suffix" in other.stderr
        explicit = run_gizin(
            *prefix, "report", "next-move", "--date", "2026-02-28", "-o", str(target), "-f", "md", env=env
        )
        assert explicit.returncode == 0 and f"wrote md to {target}" in explicit.stderr
        assert target.read_text(encoding="utf-8") == expected_md()
        target.unlink()


def test_providers_show_equal_counts_alike_and_chart_only_what_there_is(office: tuple[Path, dict[str, str]]) -> None:
    folder, env = office
    add_messages(folder / ".gizin" / "gizin.db", ["ren", "operator"])  # the operator's: no provider, no tasks
    data = json.loads(run_gizin("report", "providers", "--json", env=env).stdout)
    models = {m["key"]: m for m in data["models"]}
    assert models["openai/gpt-5"]["agents"] == models["google/gemini-2.5-pro"]["agents"] == 2
    assert models["openai/gpt-5"]["agents_pct"] == models["google/gemini-2.5-pro"]["agents_pct"] == 11.8
    outside = next(p for p in data["providers"] if p["key"] == "(not an employee)")
    assert outside["tasks"] == 0 and outside["messages"] == 1
    for prefix in ((), ("--office", str(folder))):  # the fast path, then typer
        text = run_gizin(*prefix, "report", "providers", env=env).stdout
        table, chart, by_model = text.split("\n\n")[1:4]
        assert "(not an employee)" in table and "(not an employee)" not in chart
        assert chart.splitlines()[0] == "Share of tasks by provider" and len(chart.splitlines()) == 4
        rows = {line.split()[0]: line.split()[1:] for line in by_model.splitlines()[1:]}
        assert rows["openai/gpt-5"][:2] == rows["google/gemini-2.5-pro"][:2] == ["2", "11.8%"]
        assert text.rstrip().endswith("so a column may not add up to exactly 100.0%.")
        rich = run_gizin(*prefix, "report", "providers", "-f", "rich", env={**env, "COLUMNS": "200"}).stdout
        bars = rich[rich.index("share of tasks") : rich.index("┏", rich.index("share of tasks"))]
        assert "anthropic" in bars and "(not an employee)" not in bars


def test_a_summarizer_that_cannot_start_is_reported_once(office: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder, env = office
    broken = tmp_path / "broken-llm"  # executable, but its interpreter does not exist: exec itself fails
    broken.write_text("#!/nonexistent/interpreter\n")
    broken.chmod(0o755)
    cases = [  # (command, why, known before anything runs, so also on an empty day)
        ("nonexistent-cmd-xyz", "cannot run nonexistent-cmd-xyz: not found on PATH", True),
        (str(tmp_path / "missing-llm"), f"cannot run {tmp_path / 'missing-llm'}: no such executable file", True),
        (str(broken), f"cannot run {broken}: No such file or directory", False),
    ]
    for prefix in ((), ("--office", str(folder))):  # the fast path, then typer
        for command, why, early in cases:
            for day, text in (("2026-02-28", expected_text()), ("2020-01-01", None))[: 2 if early else 1]:
                result = run_gizin(*prefix, "report", "next-move", "--date", day, "--summarize-with", command, env=env)
                assert result.returncode == 0, result.stderr
                assert result.stderr.splitlines() == [
                    f"gizin: summarizer not used: {why}; every employee keeps the composed line"
                ], (prefix, command, day)
                if text is not None:
                    assert result.stdout == text
