"""Hot reload decisions: which edits replace the configuration, which are refused, which are no-ops."""

from __future__ import annotations

from pathlib import Path

import pytest

from gizinterm.workspace import Workspace
from gizinterm.workspace.watch import OfficeWatcher, Rejected, Reloaded, config_files

NEW_AGENT = '\n[[agent]]\nid = "kai"\nname = "Kai"\n'


def test_an_unchanged_save_reloads_nothing(example_office: Path) -> None:
    watcher = OfficeWatcher(Workspace.open(example_office))
    roster = example_office / "agents.toml"
    roster.write_text(roster.read_text(encoding="utf-8"), encoding="utf-8")
    assert watcher.check() is None


def test_adding_removing_and_changing_agents_is_reported(example_office: Path) -> None:
    roster = example_office / "agents.toml"
    watcher = OfficeWatcher(Workspace.open(example_office))
    text = roster.read_text(encoding="utf-8")
    roster.write_text(text.replace('role = "CFO"', 'role = "Finance Director"') + NEW_AGENT, encoding="utf-8")
    outcome = watcher.check()
    assert isinstance(outcome, Reloaded)
    assert outcome.added == ("kai",) and outcome.removed == () and outcome.changed == ("ren",)
    assert not outcome.layout_changed
    assert watcher.current.roster.has_agent("kai")
    assert "added kai" in outcome.summary and "changed ren" in outcome.summary
    roster.write_text(text, encoding="utf-8")
    outcome = watcher.check()
    assert isinstance(outcome, Reloaded) and outcome.removed == ("kai",)


def test_a_bad_edit_is_refused_once_and_the_last_good_configuration_stays(example_office: Path) -> None:
    roster = example_office / "agents.toml"
    good = roster.read_text(encoding="utf-8")
    watcher = OfficeWatcher(Workspace.open(example_office))
    before = watcher.current
    roster.write_text(good + '\n[[agent]]\nid = "kai"\nnmae = "Kai"\n', encoding="utf-8")
    outcome = watcher.check()
    assert isinstance(outcome, Rejected)
    assert "agents.toml:" in outcome.error and "nmae" in outcome.error and "did you mean 'name'" in outcome.error
    assert watcher.current is before
    assert watcher.check() is None  # the same broken bytes: said once
    roster.write_text(good + NEW_AGENT, encoding="utf-8")
    assert isinstance(watcher.check(), Reloaded)


def test_a_missing_layout_is_refused(example_office: Path) -> None:
    roster = example_office / "agents.toml"
    watcher = OfficeWatcher(Workspace.open(example_office))
    roster.write_text(roster.read_text(encoding="utf-8").replace('layout = "grid3"', 'layout = "grid4"'))
    outcome = watcher.check()
    assert isinstance(outcome, Rejected) and "no layout 'grid4'" in outcome.error


def test_switching_layout_is_a_layout_change_and_the_new_file_is_watched(example_office: Path) -> None:
    roster = example_office / "agents.toml"
    watcher = OfficeWatcher(Workspace.open(example_office))
    roster.write_text(roster.read_text(encoding="utf-8").replace('layout = "grid3"', 'layout = "grid3x4"'))
    outcome = watcher.check()
    assert isinstance(outcome, Reloaded) and outcome.layout_changed and outcome.added == ()
    assert [f.name for f in config_files(watcher.current)] == ["agents.toml", "grid3x4.toml"]
    layout = example_office / "layouts" / "grid3x4.toml"
    layout.write_text(layout.read_text(encoding="utf-8").replace("rows = 4", "rows = 5"), encoding="utf-8")
    outcome = watcher.check()
    assert isinstance(outcome, Reloaded) and outcome.layout_changed
    assert watcher.current.layout().rows == 5


def test_a_blocklist_edit_records_a_policy_version_and_a_broken_one_is_refused(example_office: Path) -> None:
    roster = example_office / "agents.toml"
    ws = Workspace.open(example_office)
    watcher = OfficeWatcher(ws)
    versions = len(ws.policy_history())
    text = roster.read_text(encoding="utf-8")
    roster.write_text(text.replace('domains = ["rival-robotics.example"]', 'domains = ["rival.example"]'))
    outcome = watcher.check()
    assert isinstance(outcome, Reloaded) and outcome.policy_changed and outcome.added == ()
    good = watcher.current
    assert "new blocklist version recorded" in outcome.summary
    assert len(ws.policy_history()) == versions + 1
    roster.write_text(text.replace('emails = ["tips@dailyscoop.example"]', 'emails = ["not an address"]'))
    outcome = watcher.check()
    assert isinstance(outcome, Rejected) and "agents.toml:" in outcome.error and "blocklist.emails" in outcome.error
    assert watcher.current is good


def test_an_edit_saved_during_a_reload_is_applied_not_marked_seen(
    example_office: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files are really re-read; the only help is the timing: the second save lands right after the
    reload has read the roster, as when an operator saves twice in quick succession."""
    roster = example_office / "agents.toml"
    text = roster.read_text(encoding="utf-8")
    watcher = OfficeWatcher(Workspace.open(example_office))
    real_reload = Workspace.reload
    saves = [text + NEW_AGENT + '\n[[agent]]\nid = "mio"\nname = "Mio"\n']

    def reload_then_save(self: Workspace) -> Workspace:
        fresh = real_reload(self)
        if saves:
            roster.write_text(saves.pop(), encoding="utf-8")
        return fresh

    monkeypatch.setattr(Workspace, "reload", reload_then_save)
    roster.write_text(text + NEW_AGENT, encoding="utf-8")
    outcome = watcher.check()
    assert isinstance(outcome, Reloaded) and outcome.added == ("kai", "mio")
    assert watcher.current.roster.has_agent("mio")
    assert watcher.check() is None  # both saves applied, nothing left pending
