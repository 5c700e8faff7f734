"""`[[schedule]]` validation: one line naming the file, line, schedule index and field; exit code 2.
Also `[office] start_batch` / `start_pause`, and the example office's own schedule."""

from __future__ import annotations

from pathlib import Path

import pytest

from gizinterm.ground.errors import ConfigError, ExitCode
from gizinterm.messaging.schedules.model import default_id, load_schedules
from gizinterm.office.roster import START_BATCH, load_roster
from tests.helpers import REPO

OFFICE = """\
[office]
name = "Acme"
timezone = "America/New_York"
{office}
[defaults]
command = "sh"

[[agent]]
id = "riku"
name = "Riku"
department = "Editorial"

[[agent]]
id = "aoi"
name = "Aoi"
department = "Sales"

[[schedule]]
when = "weekdays 17:30"
to = "all"
text = "Log today's work with `gizin log`."

[[schedule]]
{second}
"""
SECOND = 'id = "standup"\nwhen = "0 9 * * 1-5"\nto = "@sales"\ntext = "Stand-up"\ncatch_up = true'


def write(tmp_path: Path, second: str = SECOND, office: str = "") -> Path:
    path = tmp_path / "agents.toml"
    path.write_text(OFFICE.format(second=second, office=office), encoding="utf-8")
    return path


def test_schedules_load_with_identity_meaning_and_defaults(tmp_path: Path) -> None:
    first, second = load_schedules(load_roster(write(tmp_path)))
    assert (first.cron, first.to, first.catch_up, first.line) == ("30 17 * * 1-5", "all", False, 18)
    assert first.id == default_id("30 17 * * 1-5", "all", first.text)
    assert (second.id, second.cron, second.to, second.catch_up) == ("standup", "0 9 * * 1-5", "@sales", True)


def test_the_same_schedule_written_as_cron_or_phrase_is_one_identity(tmp_path: Path) -> None:
    """Rewording `when` keeps a schedule's past slots its own: no second send of a slot already sent."""
    as_cron = SECOND.replace('id = "standup"\n', "")
    as_phrase = as_cron.replace('"0 9 * * 1-5"', '"weekdays 09:00"')
    ids = {load_schedules(load_roster(write(tmp_path, text)))[1].id for text in (as_cron, as_phrase)}
    assert ids == {default_id("0 9 * * 1-5", "@sales", "Stand-up")}


@pytest.mark.parametrize(
    ("second", "message"),
    [
        (SECOND + '\nwhn = "x"', "schedule[2].whn: unknown key (did you mean 'when'?)"),
        (SECOND.replace('"0 9 * * 1-5"', '"weekdays at 9"'), "schedule[2].when: 'weekdays at 9' is not a schedule"),
        (SECOND.replace('"0 9 * * 1-5"', '"0 25 * * *"'), "schedule[2].when: '0 25 * * *': Bad hour"),
        (SECOND.replace('"@sales"', '"@marketing"'), "schedule[2].to: unknown department 'marketing'"),
        (SECOND.replace('"@sales"', '"rikku"'), "schedule[2].to: unknown agent 'rikku' (did you mean 'riku'?)"),
        (SECOND.replace('"Stand-up"', '""'), "schedule[2].text: is required"),
        (SECOND.replace("catch_up = true", 'catch_up = "yes"'), "schedule[2].catch_up: must be true or false"),
        (SECOND.replace('id = "standup"', 'id = "Stand Up"'), "schedule[2].id: 'Stand Up' is not valid"),
        (
            SECOND.replace('"standup"', '"s"')
            + '\n[[schedule]]\nid = "s"\nwhen = "daily 10:00"\nto = "all"\ntext = "x"',
            "schedule[3].id: 's' is already schedule[2]",
        ),
        ('when = "daily 09:00"\nto = "all"', "schedule[2].text: is required"),
    ],
)
def test_each_mistake_is_one_line_naming_file_line_index_and_field(tmp_path: Path, second: str, message: str) -> None:
    path = write(tmp_path, second)
    with pytest.raises(ConfigError) as err:
        load_schedules(load_roster(path))
    text = str(err.value)
    assert text.startswith(f"{path}:") and message in text and "\n" not in text
    assert err.value.exit_code == ExitCode.USAGE == 2


def test_schedule_must_be_an_array_of_tables(tmp_path: Path) -> None:
    path = tmp_path / "agents.toml"
    path.write_text('schedule = "daily 09:00"\n[[agent]]\nid = "a"\nname = "A"\ncommand = "sh"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"schedule: must be written as \[\[schedule\]\] tables"):
        load_roster(path)


def test_start_batch_and_pause_default_and_validate(tmp_path: Path) -> None:
    office = load_roster(write(tmp_path)).office
    assert (office.start_batch, office.start_pause) == (START_BATCH, 5.0)
    office = load_roster(write(tmp_path, office="start_batch = 3\nstart_pause = 0.5")).office
    assert (office.start_batch, office.start_pause) == (3, 0.5)
    for bad, says in (
        ("start_batch = 0", "office.start_batch: must be between 1 and 1000"),
        ("start_batch = 2.5", "office.start_batch: must be a whole number"),
        ("start_pause = -1", "office.start_pause: must be a number of seconds from 0 to 600"),
        ("start_pause = nan", "office.start_pause: must be a number of seconds"),
    ):
        with pytest.raises(ConfigError, match=says):
            load_roster(write(tmp_path, office=bad))


def test_the_example_office_nudges_everyone_at_1730_on_weekdays() -> None:
    (schedule,) = load_schedules(load_roster(REPO / "agents.toml"))
    assert (schedule.id, schedule.cron, schedule.to) == ("end-of-day-log", "30 17 * * 1-5", "all")
    assert "gizin log" in schedule.text


def test_the_hot_paths_never_load_the_cron_engine() -> None:
    """cronsim costs ~40 ms to import: the roster (read by `gizin log`, `send`, `guard`) and a deliverer
    that only stands by must not pay for it; only a lease holder and `schedule list` do."""
    from tests.unit.test_import_hygiene import loaded_after

    loaded = loaded_after("import gizinterm.office.roster, gizinterm.messaging.deliverer, gizinterm.cli.hot.send")
    assert "cronsim" not in loaded


def test_hot_reload_refuses_an_edit_that_breaks_a_schedule(example_office: Path) -> None:
    """`up --watch` and the dashboard keep the last good configuration: `up` would refuse this one."""
    from gizinterm.workspace import Workspace
    from gizinterm.workspace.watch import OfficeWatcher, Rejected

    roster = example_office / "agents.toml"
    watcher = OfficeWatcher(Workspace.open(example_office))
    roster.write_text(roster.read_text(encoding="utf-8").replace('"weekdays 17:30"', '"weekdays at 5"'))
    outcome = watcher.check()
    assert isinstance(outcome, Rejected) and "schedule[1].when: 'weekdays at 5' is not a schedule" in outcome.error
