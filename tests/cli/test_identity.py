"""An agent acts only as itself: it corrects its own tasks and decides on messages it sent; the operator
(no agent identity) decides on everything. Real `gizin` subprocesses and a real database."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.helpers import run_gizin, write_office


def test_an_agent_cancels_or_retries_only_messages_it_sent(tmp_path: Path, env: dict[str, str]) -> None:
    folder = tmp_path / "office"
    write_office(folder, 3)
    env = {**env, "GIZIN_HOME": str(folder), "GIZIN_TMUX_SOCKET": f"gizin-none-{os.getpid()}"}
    assert run_gizin("send", "a2", "from a1", env={**env, "GIZIN_AGENT": "a1"}, cwd=folder).stdout == "1\n"
    assert run_gizin("send", "a2", "from the operator", env=env, cwd=folder).stdout == "2\n"

    for argv, agent in ((("cancel", "1"), "a2"), (("cancel", "2"), "a1"), (("retry", "2"), "a1")):
        result = run_gizin("messages", *argv, env={**env, "GIZIN_AGENT": agent}, cwd=folder)
        assert result.returncode == 2, result.stderr
        assert f"is from {'a1' if argv[1] == '1' else 'operator'}, not you ({agent})" in result.stderr
    ledger = json.loads(run_gizin("messages", "--json", env=env, cwd=folder).stdout)
    assert {m["id"]: m["state"] for m in ledger} == {1: "queued", 2: "queued"}

    assert run_gizin("messages", "cancel", "1", env={**env, "GIZIN_AGENT": "a1"}, cwd=folder).returncode == 0
    assert run_gizin("messages", "cancel", "2", env=env, cwd=folder).returncode == 0  # the operator
    ledger = json.loads(run_gizin("messages", "--json", env=env, cwd=folder).stdout)
    assert {m["id"]: m["state"] for m in ledger} == {1: "cancelled", 2: "cancelled"}
