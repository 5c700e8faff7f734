"""`[[host]]` in agents.toml: strict validation, one line naming file, line and field, exit 2; and
values that reach ssh stay inert (a destination starting with '-' is refused)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gizinterm.ground.errors import ConfigError, ExitCode
from gizinterm.office.hosts import valid_destination
from gizinterm.office.roster import load_roster

OFFICE = """\
[office]
name = "Acme"
session = "acme"

[defaults]
command = "sh"
"""


def write(tmp_path: Path, hosts: str, agents: str = "") -> Path:
    path = tmp_path / "agents.toml"
    path.write_text(OFFICE + hosts + agents, encoding="utf-8")
    return path


TWO = """
[[host]]
name = "build-1"
ssh = "ops@build-1"
ssh_config = "ssh/config"

[[host]]
name = "gpu"
ssh = "ssh://ml@10.0.0.5:2222"
office = "/srv/office"
gizin = "/opt/gizin/bin/gizin"
"""

AGENTS = """
[[agent]]
id = "here"
name = "Here"

[[agent]]
id = "there"
name = "There"
host = "gpu"

[[agent]]
id = "also-here"
name = "Also"
host = "local"
"""


def test_hosts_parse_with_defaults_and_agents_name_them(tmp_path: Path) -> None:
    roster = load_roster(write(tmp_path, TWO, AGENTS))
    build, gpu = roster.hosts
    assert (build.name, build.ssh, build.office, build.gizin) == ("build-1", "ops@build-1", str(tmp_path), "gizin")
    assert build.ssh_config == f"{tmp_path}/ssh/config"  # relative: against the office folder
    assert (gpu.office, gpu.gizin_argv, gpu.ssh_config) == ("/srv/office", ["/opt/gizin/bin/gizin"], None)
    assert [a.host for a in roster.agents] == [None, "gpu", None]
    local = roster.on_host(None)
    assert [(a.id, a.index) for a in local.agents] == [("here", 0), ("also-here", 1)]
    assert [(a.id, a.index) for a in roster.on_host("gpu").agents] == [("there", 0)]
    assert roster.host("gpu") is gpu


@pytest.mark.parametrize(
    ("hosts", "field", "problem"),
    [
        ('[[host]]\nname = "x"\nssh = "-oProxyCommand=touch /tmp/p"\n', "host[x].ssh", "must not start with '-'"),
        ('[[host]]\nname = "x"\nssh = "ops@-oProxyCommand=x"\n', "host[x].ssh", "OpenSSH destination"),
        ('[[host]]\nname = "x"\nssh = "ops@a b"\n', "host[x].ssh", "is not valid"),
        ('[[host]]\nname = "x"\nssh = "ssh://ops@h:99999"\n', "host[x].ssh", "is not valid"),
        ('[[host]]\nname = "x"\n', "host[x].ssh", "is required"),
        ('[[host]]\nssh = "h"\n', "host[#1].name", "is required"),
        ('[[host]]\nname = "Big Box"\nssh = "h"\n', "host[Big Box].name", "is not valid"),
        ('[[host]]\nname = "local"\nssh = "h"\n', "host[local].name", "means this machine"),
        ('[[host]]\nname = "x"\nssh = "h"\nofice = "/a"\n', "host[x].ofice", "did you mean 'office'"),
        ('[[host]]\nname = "x"\nssh = "h"\noffice = "srv/o"\n', "host[x].office", "absolute path"),
        ('[[host]]\nname = "x"\nssh = "h"\ngizin = "-c x"\n', "host[x].gizin", "is not a command"),
        ('[[host]]\nname = "x"\nssh = "h"\ngizin = "\'open"\n', "host[x].gizin", "is not a command"),
        ('[[host]]\nname = "x"\nssh = "h"\nssh_config = "-F"\n', "host[x].ssh_config", "not a file name"),
        ('[[host]]\nname = "x"\nssh = 5\n', "host[x].ssh", "must be a string"),
    ],
)
def test_bad_hosts_name_file_line_and_field(tmp_path: Path, hosts: str, field: str, problem: str) -> None:
    path = write(tmp_path, hosts)
    with pytest.raises(ConfigError) as err:
        load_roster(path)
    assert err.value.field == field
    assert problem in err.value.problem
    assert err.value.exit_code == ExitCode.USAGE
    assert str(err.value).startswith(f"{path}:")
    assert "\n" not in str(err.value)


def test_duplicate_host_and_unknown_agent_host(tmp_path: Path) -> None:
    (tmp_path / "agents.toml").write_text("host = 3\n" + OFFICE, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"host: must be written as \[\[host\]\] tables"):
        load_roster(tmp_path / "agents.toml")
    dup = '[[host]]\nname = "x"\nssh = "a"\n[[host]]\nname = "x"\nssh = "b"\n'
    with pytest.raises(ConfigError, match=r"agents.toml:\d+: host\[x\].name: duplicate host name"):
        load_roster(write(tmp_path, dup))
    agent = '[[agent]]\nid = "a"\nname = "A"\nhost = "gpo"\n'
    with pytest.raises(ConfigError, match=r"agent\[a\].host: unknown host 'gpo' \(did you mean 'gpu'\?\)"):
        load_roster(write(tmp_path, TWO, agent))
    with pytest.raises(ConfigError, match=r"no \[\[host\]\] is declared"):
        load_roster(write(tmp_path, "", agent))


@pytest.mark.parametrize(
    ("dest", "ok"),
    [
        ("build-1", True),
        ("ops@build-1", True),
        ("ops@10.0.0.5", True),
        ("ssh://ops@10.0.0.5:2222", True),
        ("ssh://ops@[::1]:22/", True),
        ("ssh://host", True),
        ("-oProxyCommand=x", False),
        ("-p", False),
        ("ops@", False),
        ("a;b", False),
        ("a$(x)", False),
        ("ssh://ops@h:0", False),
        ("a\x1bb", False),
    ],
)
def test_destinations(dest: str, ok: bool) -> None:
    assert valid_destination(dest) is ok


def test_a_hosts_plan_seats_only_its_agents_with_that_hosts_paths(tmp_path: Path) -> None:
    from gizinterm.hosts.seats import host_plan, remote_db
    from gizinterm.office.layout import load_layout

    roster = load_roster(write(tmp_path, TWO, AGENTS))
    gpu = roster.host("gpu")
    plan = host_plan(roster, gpu, load_layout("grid3", tmp_path), "sock")
    (spec,) = plan.panes
    assert (spec.agent.id, spec.column, spec.row, str(spec.cwd)) == ("there", 0, 0, "/srv/office")
    assert spec.env["GIZIN_HOME"] == "/srv/office" and spec.env["GIZIN_DB"] == remote_db(gpu, roster)
    assert remote_db(gpu, roster) == "/srv/office/.gizin/gizin.db"
    assert spec.env["PATH"].startswith("/opt/gizin/bin:")  # an absolute `gizin`: its folder first
    assert spec.env["GIZIN_TMUX_SOCKET"] == "sock" and spec.env["GIZIN_AGENT"] == "there"
    build = host_plan(roster, roster.host("build-1"), load_layout("grid3", tmp_path), None)
    assert build.panes == ()  # declared, seats nobody


def test_the_dashboard_shows_each_hosts_floors_after_this_machines(tmp_path: Path) -> None:
    from gizinterm.hosts.seats import host_plan
    from gizinterm.office.layout import load_layout, make_plan
    from gizinterm.tui.model import office_floors

    roster = load_roster(write(tmp_path, TWO, AGENTS))
    layout = load_layout("grid3", tmp_path)
    here = make_plan(roster.on_host(None), layout, db_path=tmp_path / "db")
    floors = office_floors([("", here), ("gpu", host_plan(roster, roster.host("gpu"), layout, None))])
    assert [(f.index, f.name) for f in floors] == [(0, "floor-1"), (1, "floor-1 @gpu")]
    assert [s.agent.id for s in floors[1].seats] == ["there"]
