"""The database schema, as an ordered list of named migrations of plain SQL.

Plain SQL (not sqlite-utils calls) so that `store/__init__.py` can apply it through sqlite-utils `Migrations`
while the hot `gizin log` path, which must not import sqlite-utils, can check by name that it is applied.
Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

MIGRATION_SET = "gizinterm"

TASKS = """
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    agent TEXT NOT NULL,            -- roster id
    agent_name TEXT NOT NULL,       -- the display name when logged: past reports survive roster edits
    day TEXT NOT NULL,              -- YYYY-MM-DD in the office's day convention (office.day_starts)
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'done' CHECK (status IN ('done', 'doing', 'blocked')),
    tags TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    created_at TEXT NOT NULL,       -- UTC ISO-8601: when the work happened (--at, else now)
    logged_at TEXT NOT NULL,        -- UTC ISO-8601: when the row was written
    pane_id TEXT,                   -- the tmux pane it was logged from, when known
    edited_at TEXT,
    deleted_at TEXT                 -- `gizin tasks rm` hides a task; it is never deleted
);
CREATE INDEX tasks_day_agent ON tasks (day, agent);
CREATE INDEX tasks_agent_created ON tasks (agent, created_at);
CREATE TABLE task_changes (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks (id),
    action TEXT NOT NULL CHECK (action IN ('edit', 'done', 'rm')),
    old_value TEXT,
    new_value TEXT,
    at TEXT NOT NULL,
    by TEXT NOT NULL DEFAULT 'operator'
);
-- Trigrams: the default tokenizer sees a run of Japanese as one word, so "請求書" never matched inside
-- "月次の請求書を送付"; trigrams match any substring of three or more characters.
CREATE VIRTUAL TABLE tasks_fts USING fts5 (text, content='tasks', content_rowid='id', tokenize='trigram');
CREATE TRIGGER tasks_fts_ai AFTER INSERT ON tasks BEGIN
    INSERT INTO tasks_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER tasks_fts_ad AFTER DELETE ON tasks BEGIN
    INSERT INTO tasks_fts (tasks_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER tasks_fts_au AFTER UPDATE OF text ON tasks BEGIN
    INSERT INTO tasks_fts (tasks_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO tasks_fts (rowid, text) VALUES (new.id, new.text);
END;
"""

AGENT_EVENTS = """
CREATE TABLE agent_events (
    id INTEGER PRIMARY KEY,
    agent TEXT NOT NULL,
    event TEXT NOT NULL,            -- start | exit | restart | stop | prune
    pane_id TEXT,
    exit_status INTEGER,
    detail TEXT,
    at TEXT NOT NULL
);
CREATE INDEX agent_events_agent_at ON agent_events (agent, at);
"""

MESSAGES = """
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    key TEXT UNIQUE,                -- idempotency key: the same key twice is one message
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,        -- agent id
    body TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'sending', 'delivered', 'acked', 'failed', 'unknown', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    pane_id TEXT,                   -- the pane it was pasted into
    error TEXT,                     -- why it is deferred, failed or unknown
    created_at TEXT NOT NULL,
    sending_at TEXT,
    delivered_at TEXT,
    acked_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX messages_state_recipient ON messages (state, recipient, id);
CREATE TABLE leases (
    name TEXT PRIMARY KEY,          -- e.g. 'deliverer'
    holder TEXT NOT NULL,           -- host:pid:nonce of the holder
    acquired_at REAL NOT NULL,      -- epoch seconds
    heartbeat_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
"""

OUTBOUND = """
CREATE TABLE outbound_audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,               -- UTC ISO-8601
    agent TEXT,
    channel TEXT NOT NULL,          -- email | x | slack | sms | webhook | hook:<tool>
    tool TEXT,
    session_id TEXT,
    tool_use_id TEXT,
    decision TEXT NOT NULL CHECK (decision IN ('allow', 'deny', 'ask')),
    rule TEXT,
    recipient TEXT,                 -- as given
    normalized TEXT,
    reason TEXT,
    input_hash TEXT,                -- sha256 of the input; bodies are never stored
    policy_hash TEXT
);
CREATE INDEX outbound_audit_at ON outbound_audit (at);
CREATE TABLE policy_versions (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    content TEXT NOT NULL,
    source TEXT,
    first_seen_at TEXT NOT NULL
);
"""

OUTBOUND_AUDIT_POLICY_HASH = """
CREATE INDEX outbound_audit_policy_hash ON outbound_audit (policy_hash);
"""
"""The dashboard counts each policy version's decisions every second; without this index each count
scanned the whole audit, which only grows."""

USAGE = """
CREATE TABLE usage_files (
    path TEXT PRIMARY KEY,          -- a session file an agent CLI wrote
    kind TEXT NOT NULL,             -- claude | codex | gemini: which reader it needs
    home TEXT NOT NULL,             -- the CLI's config folder it was found under (~/.claude, CODEX_HOME, ~/.gemini)
    inode INTEGER NOT NULL,
    size INTEGER NOT NULL,          -- the size when last read: unchanged size and inode means nothing new
    offset INTEGER NOT NULL,        -- bytes read so far (always at a line end)
    state TEXT NOT NULL DEFAULT '{}',  -- JSON the reader carries between reads (session, cwd, model)
    read_at TEXT NOT NULL
);
CREATE TABLE usage_requests (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,       -- the request's own ids: the same request seen twice is one row
    kind TEXT NOT NULL,
    provider TEXT NOT NULL,         -- anthropic | openai | google
    model TEXT NOT NULL,
    session TEXT NOT NULL,
    home TEXT NOT NULL,             -- with cwd: what attributes the request to an agent, at read time
    cwd TEXT NOT NULL,
    at TEXT NOT NULL,               -- UTC ISO-8601, as the CLI wrote it
    input_tokens INTEGER NOT NULL,  -- input neither read from nor written to a cache
    output_tokens INTEGER NOT NULL, -- all output billed at the output rate, reasoning included
    cache_read_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL  -- the reasoning part of output_tokens
);
CREATE INDEX usage_requests_at ON usage_requests (at);
-- Sums per UTC day and origin, kept by triggers: a report over a year of requests reads a few thousand
-- of these instead of millions of requests. A repeated request updates its row; the update trigger
-- adds the difference, so the sums stay exact.
CREATE TABLE usage_daily (
    day TEXT NOT NULL,              -- YYYY-MM-DD (UTC), the first ten characters of `at`
    kind TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    home TEXT NOT NULL,
    cwd TEXT NOT NULL,
    requests INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cache_read_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL,
    PRIMARY KEY (day, kind, provider, model, home, cwd)
);
CREATE TRIGGER usage_requests_ai AFTER INSERT ON usage_requests BEGIN
    INSERT INTO usage_daily VALUES (
        substr(new.at, 1, 10), new.kind, new.provider, new.model, new.home, new.cwd, 1, new.input_tokens,
        new.output_tokens, new.cache_read_tokens, new.cache_write_tokens, new.reasoning_tokens)
    ON CONFLICT (day, kind, provider, model, home, cwd) DO UPDATE SET
        requests = requests + 1,
        input_tokens = input_tokens + excluded.input_tokens,
        output_tokens = output_tokens + excluded.output_tokens,
        cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
        cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
        reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens;
END;
CREATE TRIGGER usage_requests_au AFTER UPDATE ON usage_requests BEGIN
    UPDATE usage_daily SET
        input_tokens = input_tokens + new.input_tokens - old.input_tokens,
        output_tokens = output_tokens + new.output_tokens - old.output_tokens,
        cache_read_tokens = cache_read_tokens + new.cache_read_tokens - old.cache_read_tokens,
        cache_write_tokens = cache_write_tokens + new.cache_write_tokens - old.cache_write_tokens,
        reasoning_tokens = reasoning_tokens + new.reasoning_tokens - old.reasoning_tokens
    WHERE day = substr(old.at, 1, 10) AND kind = old.kind AND provider = old.provider AND model = old.model
        AND home = old.home AND cwd = old.cwd;
END;
"""

CONVERSATIONS = """
CREATE TABLE conversations (
    agent TEXT PRIMARY KEY,         -- roster id
    kind TEXT NOT NULL,             -- claude | codex | gemini: whose flags bring it back
    conversation TEXT,              -- the CLI's own session id; NULL until read from its session files
    started_at REAL NOT NULL,       -- epoch seconds the agent was last started fresh into it
    updated_at TEXT NOT NULL        -- UTC ISO-8601
);
"""
"""Each agent's current conversation, so a restart after a crash continues it instead of starting over."""

NOTIFICATIONS = """
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,       -- the episode (e.g. waiting:riku:1764886400): notified once, ever
    event TEXT NOT NULL,            -- waiting | dead | limited | message | blocked | test
    agent TEXT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    outcome TEXT NOT NULL,          -- sending | sent | partial | failed | skipped | suppressed
    reason TEXT,                    -- why suppressed or failed
    channels TEXT NOT NULL DEFAULT '[]',    -- JSON list of {"channel", "outcome", "detail"}
    at TEXT NOT NULL,               -- UTC ISO-8601, when it was claimed
    finished_at TEXT
);
CREATE INDEX notifications_at ON notifications (at);
CREATE TABLE notify_episodes (
    key TEXT PRIMARY KEY,           -- a condition now true: waiting:<agent> | dead:<agent> | limited:<agent>
    since REAL NOT NULL,            -- epoch seconds it began (or, for 'baseline', the notifier's first run)
    seen REAL NOT NULL              -- epoch seconds the notifier first saw it
);
"""
"""The notifier's history and its open episodes. Episodes live in the database, not in the deliverer's
memory, so a deliverer taking over the lease continues the same episodes instead of calling again."""
SCHEDULES = """
CREATE TABLE schedule_marks (
    schedule TEXT PRIMARY KEY,      -- the schedule's id (agents.toml `id`, else derived from when/to/text)
    checked_at TEXT NOT NULL,       -- UTC ISO-8601: the lease holder has dealt with every slot up to here
    updated_at TEXT NOT NULL
);
"""
"""How far each schedule's slots were looked at, so a slot is known as "missed while nothing ran" (and
`catch_up` decides), and a schedule added today does not fire for its slots of last week. The slots'
messages themselves are plain outbox rows whose UNIQUE key is the slot: sending one twice is a no-op."""
HOST_ROWS = """
ALTER TABLE tasks ADD COLUMN host TEXT;          -- the [[host]] whose store it was logged in; NULL = this one
ALTER TABLE tasks ADD COLUMN host_row INTEGER;   -- its id in that host's store
CREATE UNIQUE INDEX tasks_host_row ON tasks (host, host_row) WHERE host IS NOT NULL;
ALTER TABLE outbound_audit ADD COLUMN host TEXT;
ALTER TABLE outbound_audit ADD COLUMN host_row INTEGER;
CREATE UNIQUE INDEX outbound_audit_host_row ON outbound_audit (host, host_row) WHERE host IS NOT NULL;
CREATE TABLE host_pulls (
    host TEXT NOT NULL,             -- on the office: the host pulled from; on a host: 'office' (what it acked)
    source TEXT NOT NULL,           -- the table: tasks | outbound_audit
    cursor INTEGER NOT NULL,        -- the highest row id stored (office) or acknowledged (host)
    pulled_at TEXT NOT NULL,        -- UTC ISO-8601
    PRIMARY KEY (host, source)
);
"""
"""Rows agents write on other hosts, pulled into the office's store: (host, host_row) is UNIQUE, so a pull
that is interrupted and repeated stores each row once; the cursor moves in the same transaction."""
HOST_SEATS = """
CREATE TABLE host_seats (
    host TEXT PRIMARY KEY,          -- the [[host]] name when `gizin up` brought a session up there
    ssh TEXT NOT NULL,              -- how it was reached then: its destination, ssh_config and office
    ssh_config TEXT,
    office TEXT NOT NULL,
    gizin TEXT NOT NULL,
    session TEXT NOT NULL,          -- the session and tmux socket it runs under there
    socket TEXT,
    seated_at TEXT NOT NULL         -- UTC ISO-8601 of the last `up` that reached it
);
"""
"""The hosts this office brought up, with what it takes to reach them again: a host taken out of the
roster (or left with no agent) still has its session running there, and the next `up` or `down` closes
it; a row is deleted only once that worked, so an unreachable host is retried."""

HOST_MESSAGES = """
CREATE TABLE host_outbox (          -- on a host: what its agents sent, kept for the office's pull
    id INTEGER PRIMARY KEY,
    key TEXT UNIQUE,                -- the sender's --key: the same key twice is one message
    sender TEXT NOT NULL,
    target TEXT NOT NULL,           -- as given (agent id, @Department or all): the office resolves it
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    pulled_at TEXT                  -- when the office acknowledged it (its copy is in the office's outbox)
);
CREATE TABLE host_acks (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL,    -- the office's message id, as the framed message shows it
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    host TEXT,                      -- on the office: the host it was pulled from, NULL on the host itself
    host_row INTEGER,
    outcome TEXT,                   -- on the office: acked | refused
    reason TEXT
);
CREATE UNIQUE INDEX host_acks_host_row ON host_acks (host, host_row) WHERE host IS NOT NULL;
ALTER TABLE messages ADD COLUMN host TEXT;       -- on the office: the host a pulled message was sent on
ALTER TABLE messages ADD COLUMN host_row INTEGER;
ALTER TABLE usage_requests ADD COLUMN host TEXT;
ALTER TABLE usage_requests ADD COLUMN changed INTEGER;  -- raised when the row is new or a count grows: a pull
UPDATE usage_requests SET changed = id;                 -- after a cursor on it brings grown rows again
CREATE INDEX usage_requests_changed ON usage_requests (changed);
"""
"""Remote agents' messages, acks and usage, pulled like the task log (see store.hostmessages, hostusage):
`host_outbox` is a table no deliverer reads, so nothing on a host can paste what its agents send."""

MIGRATIONS: list[tuple[str, str]] = [
    ("m001_tasks", TASKS),
    ("m002_agent_events", AGENT_EVENTS),
    ("m003_messages", MESSAGES),
    ("m004_outbound", OUTBOUND),
    ("m005_outbound_audit_policy_hash", OUTBOUND_AUDIT_POLICY_HASH),
    ("m006_usage", USAGE),
    ("m007_conversations", CONVERSATIONS),
    ("m008_notifications", NOTIFICATIONS),
    ("m009_schedules", SCHEDULES),
    ("m010_host_rows", HOST_ROWS),
    ("m011_host_messages", HOST_MESSAGES),
    ("m013_host_seats", HOST_SEATS),
]
