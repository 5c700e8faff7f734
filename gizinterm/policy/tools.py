"""Which agent-CLI tools carry what: shell commands, file writes, local-only work, web access, messages.

The guard reads a tool call by its tool's class; the names are the real CLIs' own (Claude Code, Codex,
Gemini CLI), lower-cased.
"""

from __future__ import annotations

SHELL_TOOLS = {"bash", "run_shell_command", "shell", "exec_command", "local_shell", "container.exec", "unified_exec"}
WRITE_TOOLS = {
    "write",
    "edit",
    "multiedit",
    "notebookedit",
    "write_file",
    "replace",
    "apply_patch",
    "edit_file",
    "create_file",
    "str_replace_based_edit_tool",
    "update",
}
LOCAL_TOOLS = {
    "read",
    "glob",
    "grep",
    "ls",
    "todowrite",
    "task",
    "agent",
    "exitplanmode",
    "bashoutput",
    "killshell",
    "killbash",
    "read_file",
    "read_many_files",
    "list_directory",
    "glob_tool",
    "search_file_content",
    "save_memory",
    "update_plan",
    "view_image",
    "notebookread",
    "slashcommand",
    "skill",
    "todoread",
    "write_todos",
    "grep_search",
}
WEB_TOOLS = {"webfetch", "websearch", "web_fetch", "google_web_search", "web_search"}
SEARCH_TOOLS = {"websearch", "google_web_search", "web_search"}
COMMS = (
    "mail",
    "gmail",
    "slack",
    "twitter",
    "x_",
    "tweet",
    "discord",
    "telegram",
    "sms",
    "twilio",
    "whatsapp",
    "teams",
    "webhook",
    "fetch",
    "http",
    "browser",
    "puppeteer",
    "playwright",
    "post",
    "send",
    "message",
)
PATCH_PATH = ("*** Update File:", "*** Add File:", "*** Delete File:", "*** Move to:")
