"""Run a real agent CLI (Claude Code, Codex, Gemini CLI) as the one agent of a throwaway office.

`RealCliOffice` is what the `claude_office`, `codex_office` and `gemini_office` fixtures (conftest.py)
yield. It owns a private HOME (and CODEX_HOME) seeded so no first-run dialog shows, a project folder the
agent works in, an office folder whose `agents.toml` starts the real CLI pointed at a fake model server
(`tests.realcli.fakes`), and a private tmux server named by `GIZIN_TMUX_SOCKET`. It runs `gizin` as real
subprocesses and reads the pane through tmux directly:

    def test_hello(claude_office: RealCliOffice) -> None:
        claude_office.up()                              # seed HOME, write agents.toml, `gizin up`
        claude_office.wait_input_box()                  # the CLI's own input box, positively recognised
        claude_office.fake.enqueue(text("hi there"))    # what the "model" answers next
        claude_office.submit("hello")                   # load-buffer, paste-buffer -p -r -d, Enter
        assert claude_office.fake.wait_user_texts(1) == ["hello"]

Every wait polls with a deadline; the only fixed pauses are the CLIs' own measured timings (see
`Profile.settle`). Cleanup (`close`) runs `gizin down`, kills the tmux server, then every process whose
environment names the test's HOME: Gemini's wrapper ignores SIGTERM/SIGHUP and Codex's app-server daemon
outlives its pane, so killing the tmux server is not enough.

The CLIs come from `scripts/ensure-agent-clis` (versions in `scripts/agent-clis.env`), found in
`$GIZIN_AGENT_CLIS/node_modules/.bin`, default `~/.cache/gizinterm/agent-clis`. Without them the tests skip,
unless `CI` is set: then they fail, so a CI machine cannot pass by not running them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TmuxServer
from tests.helpers import REPO, base_env, run_gizin, wait_until
from tests.realcli.fakes.anthropic import FakeAnthropic
from tests.realcli.fakes.base import FakeModelServer
from tests.realcli.fakes.gemini import FakeGemini
from tests.realcli.fakes.openai import FakeOpenAI

KINDS = ("claude", "codex", "gemini")
AGENT = "agent"  # the one agent's id in every office here
PANE_SIZE = (200, 50)  # the size the CLIs were measured at
FAKE_KEYS = {
    "claude": "sk-ant-api03-fakefakefake-0123456789ABCDEFGHIJ-abcdefghij",
    "codex": "sk-fake-codex-0000",
    "gemini": "fake-gemini-key",
}
# Never inherited by an agent's pane: variables that could point a CLI at a real account or server, and `CI`,
# which makes some CLIs drop their interactive UI.
SCRUBBED_PREFIXES = ("ANTHROPIC_", "CLAUDE", "OPENAI_", "CODEX_", "GEMINI_", "GOOGLE_", "VERTEX", "AWS_", "CI")


def pinned_versions() -> dict[str, str]:
    """The versions scripts/agent-clis.env pins, by kind."""
    names = {"CLAUDE_CODE_VERSION": "claude", "CODEX_VERSION": "codex", "GEMINI_CLI_VERSION": "gemini"}
    pins: dict[str, str] = {}
    for line in (REPO / "scripts" / "agent-clis.env").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        if key.strip() in names:
            pins[names[key.strip()]] = value.strip()
    return pins


def clis_bin() -> Path:
    """Where scripts/ensure-agent-clis puts the CLIs' executables."""
    root = os.environ.get("GIZIN_AGENT_CLIS") or str(Path.home() / ".cache" / "gizinterm" / "agent-clis")
    return Path(root) / "node_modules" / ".bin"


def require_cli(kind: str) -> Path:
    """The CLI's executable; skips the test when it is not installed (fails instead when `CI` is set)."""
    binary = clis_bin() / kind
    if binary.exists() and os.access(binary, os.X_OK):
        return binary
    reason = f"{kind} is not installed in {binary.parent}: run `sh scripts/ensure-agent-clis`"
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and {reason}", pytrace=False)
    pytest.skip(reason)


# --- screens ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Profile:
    """What a test needs to know about one CLI's screen, from the measurements in session 2.

    `box_text` returns the text in the input box ("" when empty, None when no box is drawn), `ready` says
    the CLI is up at an empty input box, `approval` that it shows its shell-approval prompt. `settle` is
    how long to leave between the pasted text showing in the box and Enter: the CLIs' own timing (Gemini
    takes an Enter within ~40 ms of a paste as a newline; Claude drops an Enter in the first ~0.2 s after
    its box appears)."""

    kind: str
    box_text: Callable[[str], str | None]
    ready: Callable[[str, str], bool]
    approval: Callable[[str, str], bool]
    settle: float


CLAUDE_BOX = re.compile(r"^─{20,}\n(❯\u00a0.*?)\n─{20,}$", re.M | re.S)


def claude_box(screen: str) -> str | None:
    """Claude's box: `❯` + NBSP + text between two full-width `─` rules; later lines indented 2 spaces
    (scroll-back prompts use an ASCII space after `❯`, so only the live box matches)."""
    found = CLAUDE_BOX.search(screen)
    if found is None:
        return None
    first, *rest = found.group(1).split("\n")
    lines = [first[2:], *(line.removeprefix("  ") for line in rest)]
    return "\n".join(line.rstrip(" \u00a0") for line in lines).strip("\n")


def claude_ready(screen: str, title: str) -> bool:
    return claude_box(screen) == "" and not claude_approval(screen, title)


def claude_approval(screen: str, title: str) -> bool:
    return "Do you want to proceed?" in screen and re.search(r"^ *❯ 1\. Yes", screen, re.M) is not None


CODEX_PLACEHOLDERS = ("Ask Codex to do anything", "Ask a follow-up question")
CODEX_READY_FOOTER = re.compile(r"^  ← for agents · \? for shortcuts", re.M)


def codex_box(screen: str) -> str | None:
    """Codex's composer: the last line starting `› ` (U+203A), continuation lines indented 2 spaces up to
    a blank line; the dim placeholder reads as typed text in a plain capture, so it counts as empty."""
    lines = screen.rstrip("\n").split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("› ") and not re.match(r"› \d\. ", line)]
    if not starts:
        return None
    box = [lines[starts[-1]][2:].rstrip()]
    for line in lines[starts[-1] + 1 :]:
        if not line.startswith("  ") or not line.strip():
            break
        box.append(line[2:].rstrip())
    content = "\n".join(box)
    return "" if content in CODEX_PLACEHOLDERS else content


def codex_ready(screen: str, title: str) -> bool:
    return codex_box(screen) == "" and CODEX_READY_FOOTER.search(screen) is not None


def codex_approval(screen: str, title: str) -> bool:
    return "Would you like to run the following command?" in screen and "› 1. Yes, proceed" in screen


GEMINI_PLACEHOLDER = "  Type your message or @path/to/file"


def gemini_box(screen: str) -> str | None:
    """Gemini's box: the rows between the last `▄▄▄` and `▀▀▀` rules, the first starting ` > `, later
    ones indented 3 spaces."""
    lines = screen.split("\n")
    tops = [i for i, line in enumerate(lines) if line.startswith("▄▄▄")]
    bottoms = [i for i, line in enumerate(lines) if line.startswith("▀▀▀")]
    if not tops or not bottoms or bottoms[-1] <= tops[-1] + 1 or not lines[tops[-1] + 1].startswith(" > "):
        return None
    rows = lines[tops[-1] + 1 : bottoms[-1]]
    first = rows[0][3:].rstrip()
    if first == GEMINI_PLACEHOLDER.strip() or rows[0][3:].startswith(GEMINI_PLACEHOLDER):
        return ""
    return "\n".join([first, *(row.removeprefix("   ").rstrip() for row in rows[1:])]).rstrip("\n")


def gemini_ready(screen: str, title: str) -> bool:
    footer = re.search(r"^ workspace \(/directory\)", screen, re.M) is not None
    return gemini_box(screen) == "" and footer and not gemini_approval(screen, title)


def gemini_approval(screen: str, title: str) -> bool:
    return "Allow execution of" in screen and "1. Allow once" in screen


PROFILES = {
    "claude": Profile("claude", claude_box, claude_ready, claude_approval, settle=0.5),
    "codex": Profile("codex", codex_box, codex_ready, codex_approval, settle=0.3),
    "gemini": Profile("gemini", gemini_box, gemini_ready, gemini_approval, settle=0.5),
}


# --- homes --------------------------------------------------------------------------------------------------
def seed_claude(home: Path, project: Path, leave: set[str]) -> None:
    """`~/.claude.json` past onboarding, API-key approval and folder trust; `leave` keeps any of
    "onboarding", "api_key", "trust" as a dialog (an unfinished onboarding with an API key fails
    offline: Claude probes api.anthropic.com first)."""
    state: dict[str, Any] = {"numStartups": 1, "installMethod": "npm-local"}
    if "onboarding" not in leave:
        state |= {"hasCompletedOnboarding": True, "lastOnboardingVersion": pinned_versions()["claude"]}
    if "api_key" not in leave:
        state["customApiKeyResponses"] = {"approved": [FAKE_KEYS["claude"][-20:]], "rejected": []}
    project_state = {"hasTrustDialogAccepted": "trust" not in leave, "hasCompletedProjectOnboarding": True}
    state["projects"] = {str(project.resolve()): project_state}
    (home / ".claude.json").write_text(json.dumps(state, indent=2), encoding="utf-8")
    (home / ".claude").mkdir(exist_ok=True)
    (home / ".claude" / "settings.json").write_text(json.dumps({"autoUpdates": False}), encoding="utf-8")
    (home / "tmp").mkdir(exist_ok=True)


def seed_codex(codex_home: Path, project: Path, base_url: str, leave: set[str]) -> None:
    """`$CODEX_HOME/config.toml` with a custom provider on the fake server (the built-in one shows a
    sign-in screen: leave "login" to get it) and the project trusted (leave "trust": no entry, and the
    project becomes a git repository, the case Codex asks about)."""
    codex_home.mkdir(parents=True, exist_ok=True)
    lines = [
        'model = "fake-model"',
        'approval_policy = "on-request"',  # "untrusted" is a fatal config error in 0.171
        'sandbox_mode = "workspace-write"',
        "check_for_update_on_startup = false",
    ]
    if "login" not in leave:
        lines.insert(1, 'model_provider = "fake"')
    lines += [
        "",
        "[analytics]",
        "enabled = false",
        "",
        "[model_providers.fake]",
        'name = "Fake"',
        f"base_url = {json.dumps(base_url)}",
        'wire_api = "responses"',
        'env_key = "FAKE_API_KEY"',
        "request_max_retries = 0",
        "stream_max_retries = 0",
    ]
    if "trust" in leave:
        subprocess.run(["git", "init", "-q", str(project)], check=True, timeout=30)
    else:
        lines += ["", f"[projects.{json.dumps(str(project.resolve()))}]", 'trust_level = "trusted"']
    (codex_home / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def seed_gemini(home: Path, project: Path, leave: set[str]) -> None:
    """`~/.gemini/settings.json` with API-key auth chosen (leave "auth" for the auth dialog), a valid
    theme (leave "theme": an unknown one brings up the picker) and the project in trustedFolders.json
    (leave "trust")."""
    folder = home / ".gemini"
    folder.mkdir(parents=True, exist_ok=True)
    settings: dict[str, Any] = {
        "security": {"folderTrust": {"enabled": True}},
        "ui": {"theme": "NoSuchTheme" if "theme" in leave else "Default"},
        "general": {"enableAutoUpdate": False, "enableAutoUpdateNotification": False},
        "privacy": {"usageStatisticsEnabled": False},
        "telemetry": {"enabled": False},
        "model": {"name": "gemini-2.5-flash"},
    }
    if "auth" not in leave:
        settings["security"]["auth"] = {"selectedType": "gemini-api-key"}
    (folder / "settings.json").write_text(json.dumps(settings, indent=2), encoding="utf-8")
    if "trust" not in leave:
        trusted = {str(project.resolve()): "TRUST_FOLDER"}
        (folder / "trustedFolders.json").write_text(json.dumps(trusted), encoding="utf-8")


# A start-up dialog each CLI shows when its seed leaves it in. Not folder trust for Codex and Gemini CLI:
# `gizin guard install` (run by `up`) trusts the agent's folder for them, so their hooks run.
START_DIALOGS = {
    "claude": ("trust", "Quick safety check: Is this a project you created or one you trust?"),
    "codex": ("login", "Welcome to Codex"),
    "gemini": ("auth", "How would you like to authenticate"),
}

DIALOGS = {
    "claude": {"onboarding", "api_key", "trust"},
    "codex": {"login", "trust", "hooks"},
    "gemini": {"auth", "theme", "trust"},
}


def make_fake(kind: str, log_path: Path) -> FakeModelServer:
    fakes: dict[str, type[FakeModelServer]] = {"claude": FakeAnthropic, "codex": FakeOpenAI, "gemini": FakeGemini}
    return fakes[kind](log_path=log_path).start()


def cli_env(kind: str, home: Path, fake: FakeModelServer, codex_home: Path) -> dict[str, str]:
    """The environment a CLI needs: HOME, the fake server, a key, and everything that would phone home
    switched off (also for a CLI on another host, tests/hosts)."""
    env = {"HOME": str(home), "LANG": "C.UTF-8", "SHELL": "/bin/sh", "TERM": "xterm-256color"}
    # The guard's own deadline (it denies past it) at its maximum: a 2-core test machine running
    # three CLIs at once can take longer than the default 1.5 s to start a Python process.
    env["GIZIN_GUARD_DEADLINE"] = "5"
    if kind == "claude":
        env |= {
            "ANTHROPIC_BASE_URL": fake.url,
            "ANTHROPIC_API_KEY": FAKE_KEYS["claude"],
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL": "1",
            "CLAUDE_CODE_ENABLE_TELEMETRY": "0",
            "CLAUDE_CODE_TMPDIR": str(home / "tmp"),  # else task files go to /tmp/claude-<uid>
            "DISABLE_AUTOUPDATER": "1",
            "DISABLE_BUG_COMMAND": "1",
            "DISABLE_ERROR_REPORTING": "1",
            "DISABLE_TELEMETRY": "1",
        }
    elif kind == "codex":
        env |= {"CODEX_HOME": str(codex_home), "FAKE_API_KEY": FAKE_KEYS["codex"]}
    else:
        env |= {
            "GEMINI_API_KEY": FAKE_KEYS["gemini"],
            "GOOGLE_GEMINI_BASE_URL": fake.url,
            "COLORTERM": "truecolor",  # else a 24-bit colour warning on start
            "NO_BROWSER": "true",
        }
    return env


# --- the office ---------------------------------------------------------------------------------------------
class RealCliOffice:
    """One real CLI as the only agent of an office in `root`, on its own tmux server and fake model.

    Layout under `root`: `home/` (HOME; for codex also `home/.codex` as CODEX_HOME unless one is given),
    `project/` (the agent's cwd), `office/` (agents.toml, gizin.db), `<kind>.requests.jsonl` (the fake's
    log). Nothing is started until `up()`."""

    def __init__(self, kind: str, root: Path, *, codex_home: Path | None = None) -> None:
        assert kind in KINDS, kind
        self.kind = kind
        self.profile = PROFILES[kind]
        self.binary = require_cli(kind)
        self.root = root
        self.home = root / "home"
        self.project = root / "project"
        self.folder = root / "office"
        self.codex_home = codex_home or self.home / ".codex"
        for path in (self.home, self.project, self.folder):
            path.mkdir(parents=True, exist_ok=True)
        self.fake = make_fake(kind, root / f"{kind}.requests.jsonl")
        socket = f"gizin-realcli-{os.getpid()}-{secrets.token_hex(4)}"
        env = {k: v for k, v in base_env(self.home).items() if not k.startswith(SCRUBBED_PREFIXES)}
        self.env = {**env, "GIZIN_TMUX_SOCKET": socket, "GIZIN_HOME": str(self.folder)}
        self.tmux = TmuxServer(socket=socket, env=self.env)
        self.pane = ""
        self._seeded = False
        self._left: set[str] = set()
        self._closed = False

    # --- set-up ---------------------------------------------------------------------------------------------
    def seed(self, leave: Iterable[str] = ()) -> None:
        """Seed HOME (and CODEX_HOME) so the CLI starts straight to its input box, except for the dialogs
        named in `leave` (claude: onboarding, api_key, trust; codex: login, trust, hooks; gemini: auth, theme,
        trust)."""
        left = self._left = set(leave)
        unknown = left - DIALOGS[self.kind]
        assert not unknown, f"{self.kind} has no dialog {sorted(unknown)}; choose from {sorted(DIALOGS[self.kind])}"
        if self.kind == "claude":
            seed_claude(self.home, self.project, left)
        elif self.kind == "codex":
            assert isinstance(self.fake, FakeOpenAI)
            seed_codex(self.codex_home, self.project, self.fake.base_url, left)
        else:
            seed_gemini(self.home, self.project, left)
        self._seeded = True

    def cli_env(self) -> dict[str, str]:
        return cli_env(self.kind, self.home, self.fake, self.codex_home)

    def write_office(self, args: Iterable[str] = (), env: Mapping[str, str] | None = None) -> Path:
        """agents.toml with one agent, `agent`, of this kind running the real CLI (plus `args`) in the
        project folder; returns its path."""
        command = " ".join(shlex.quote(word) for word in ["exec", str(self.binary), *args])
        table = {**self.cli_env(), **(env or {})}
        lines = [
            "[office]",
            'name = "Real CLI"',
            f'session = "realcli-{self.kind}"',
            'layout = "grid3"',
            "",
            "[[agent]]",
            f'id = "{AGENT}"',
            f'name = "{self.kind.title()}"',
            f'kind = "{self.kind}"',
            f"command = {json.dumps(command)}",
            f"cwd = {json.dumps(str(self.project))}",
            "",
            "[agent.env]",
            *(f"{key} = {json.dumps(value)}" for key, value in table.items()),
        ]
        path = self.folder / "agents.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def up(self, *, leave: Iterable[str] = (), args: Iterable[str] = ()) -> str:
        """Seed (unless `seed` ran), write agents.toml (unless present), `gizin up`, size the pane as
        measured; returns the pane id."""
        if not self._seeded:
            self.seed(leave)
        if not (self.folder / "agents.toml").exists():
            self.write_office(args)
        self.install_guard()
        result = self.gizin("up", "--json", "--quiet")
        assert result.returncode == 0, f"gizin up failed ({result.returncode}): {result.stderr}"
        self.pane = json.loads(result.stdout)["panes"][AGENT]
        width, height = PANE_SIZE
        self.tmux.cmd("resize-window", "-t", self.pane, "-x", str(width), "-y", str(height))
        return self.pane

    def install_guard(self) -> None:
        """`gizin guard install`: `gizin up` refuses a claude/codex/gemini agent whose outbound guard hook
        does not block, or (Codex) would not be run. For Codex it also records, in the agent's CODEX_HOME,
        the project's trust and the hook's trusted hash; with the "hooks" dialog left in, the test takes
        the hash out again, so Codex asks to review the hook."""
        result = self.gizin("guard", "install", AGENT)
        assert result.returncode == 0, f"gizin guard install failed ({result.returncode}): {result.stderr}"
        config = self.codex_home / "config.toml"
        if self.kind == "codex" and "hooks" in self._left and config.exists():
            text = config.read_text(encoding="utf-8")
            config.write_text(re.sub(r'\[hooks\.state\."[^"]*"\]\ntrusted_hash = "[^"]*"\n?', "", text))

    # --- gizin ----------------------------------------------------------------------------------------------
    def gizin(self, *args: str, input: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """`gizin ARGS` as a real subprocess in this office, on this tmux server."""
        return run_gizin(*args, env=self.env, cwd=self.folder, input=input, timeout=timeout)

    def status(self) -> dict[str, Any]:
        """This agent's row of `gizin status --json`."""
        result = self.gizin("status", "--json")
        assert result.returncode == 0, f"gizin status failed ({result.returncode}): {result.stderr}"
        return next(row for row in json.loads(result.stdout) if row["agent"] == AGENT)

    def send(self, body: str, *, sender: str = "operator") -> int:
        """`gizin send agent BODY` (body on stdin, byte-exact); the message id."""
        args = ["send", AGENT, "--file", "-", "--json"] + (["--from", sender] if sender != "operator" else [])
        result = self.gizin(*args, input=body)
        assert result.returncode == 0, f"gizin send failed ({result.returncode}): {result.stderr}"
        queued = json.loads(result.stdout)
        first = queued[0] if isinstance(queued, list) else queued
        return int(first["id"])

    def deliver_once(self) -> subprocess.CompletedProcess[str]:
        """`gizin deliver --once`: deliver what can be delivered now."""
        return self.gizin("deliver", "--once")

    # --- the pane -------------------------------------------------------------------------------------------
    def screen(self) -> str:
        """The visible screen, wrapped lines joined (`capture-pane -p -J`)."""
        return self.tmux.capture(self.pane)

    def title(self) -> str:
        return self.pane_format("#{pane_title}")

    def pane_format(self, fmt: str) -> str:
        return self.tmux.out("display-message", "-p", "-t", self.pane, fmt).rstrip("\n")

    def box_text(self) -> str | None:
        return self.profile.box_text(self.screen())

    def wait_screen(self, condition: Callable[[str, str], bool], timeout: float = 30.0, what: str = "") -> str:
        """Poll (screen, title) until `condition` holds; the screen. On timeout the AssertionError shows
        the last screen and title."""
        seen = {"screen": "", "title": ""}

        def check() -> bool:
            seen["screen"], seen["title"] = self.screen(), self.title()
            return condition(seen["screen"], seen["title"])

        try:
            wait_until(check, timeout=timeout, interval=0.1, what=what or getattr(condition, "__name__", ""))
        except AssertionError as error:
            raise AssertionError(f"{error}\ntitle: {seen['title']!r}\nscreen:\n{seen['screen']}") from None
        return seen["screen"]

    def wait_text(self, text: str, timeout: float = 30.0) -> str:
        return self.wait_screen(lambda screen, _title: text in screen, timeout, f"{text!r} on screen")

    def wait_input_box(self, timeout: float = 60.0) -> str:
        """Wait until the CLI is up at its empty input box; the screen."""
        screen = self.wait_screen(self.profile.ready, timeout, f"{self.kind}'s empty input box")
        # Claude drops an Enter that comes within ~0.2 s of its box first appearing: let it settle.
        time.sleep(self.profile.settle)
        return screen

    def wait_approval(self, timeout: float = 30.0) -> str:
        return self.wait_screen(self.profile.approval, timeout, f"{self.kind}'s approval prompt")

    def paste(self, text: str) -> None:
        """What gizin's deliverer does: the text into a uniquely named buffer through stdin, then
        `paste-buffer -p -r -d` (bracketed if the CLI asked for it, line feeds kept, buffer deleted)."""
        assert self.pane_format("#{pane_dead}") != "1", "pasting into a dead pane crashes tmux 3.3a"
        buffer = f"realcli-{secrets.token_hex(4)}"
        self.tmux.cmd("load-buffer", "-b", buffer, "-", input=text)
        self.tmux.cmd("paste-buffer", "-p", "-r", "-d", "-b", buffer, "-t", self.pane)

    def press(self, *keys: str) -> None:
        self.tmux.cmd("send-keys", "-t", self.pane, *keys)

    def submit(self, text: str, *, timeout: float = 30.0) -> None:
        """Paste `text`, wait until the box holds it, leave the CLI's settle time, press Enter, and wait
        until the model got a new user text. One more Enter, only if the text still sits in the box after a
        few seconds (a swallowed Enter; the CLIs then submit once). The wait is long because Gemini CLI
        makes its routing calls before the turn, which took over 15 s on a loaded CI machine."""
        before = len(self.fake.user_texts())
        self.paste(text)
        self.wait_screen(lambda screen, _title: bool(self.profile.box_text(screen)), 10.0, "the pasted text in the box")
        time.sleep(self.profile.settle)
        self.press("Enter")
        deadline = time.monotonic() + timeout
        retried = False
        pressed = time.monotonic()
        while time.monotonic() < deadline:
            if len(self.fake.user_texts()) > before:
                return
            if not retried and time.monotonic() - pressed > 3.0 and self.box_text():
                self.press("Enter")
                retried = True
            time.sleep(0.1)
        texts = self.fake.user_texts()
        if len(texts) > before:
            return
        requests = [(r.seq, r.kind, r.path) for r in self.fake.requests(None)][-8:]
        raise AssertionError(
            f"{self.kind}: no new user text {timeout}s after Enter (user texts {texts!r}, last requests "
            f"{requests!r})\nscreen:\n{self.screen()}"
        )

    # --- clean-up -------------------------------------------------------------------------------------------
    def close(self) -> None:
        """`gizin down`, kill the tmux server, then every process left whose environment names our HOME
        (Gemini's wrapper, Codex's daemon), and stop the fake."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(Exception):
            if self.pane:
                self.gizin("down", timeout=30)
        self.tmux.cmd("kill-server", check=False)
        kill_processes_of(self.home)
        sock = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}" / self.tmux.socket
        sock.unlink(missing_ok=True)
        self.fake.stop()


def processes_of(home: Path) -> list[int]:
    """Live processes (not zombies, not us) whose environment has HOME or CODEX_HOME inside `home`."""
    marker = str(home).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if stat.rpartition(")")[2].split()[0] == "Z":
            continue
        for var in environ.split(b"\0"):
            if var.startswith((b"HOME=", b"CODEX_HOME=")) and var.partition(b"=")[2].startswith(marker):
                found.append(int(entry.name))
                break
    return found


def kill_processes_of(home: Path, grace: float = 3.0) -> None:
    """SIGTERM, then after `grace` seconds SIGKILL, every process `processes_of(home)` finds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = processes_of(home)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        if not pids:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and processes_of(home):
            time.sleep(0.1)
