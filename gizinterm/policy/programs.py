"""What the shell reader knows about programs: which ones reach the outside world, how their options
are spelled, and which option values are targets, payload files or plain settings.

Tables, not code, so adding a program is one line. Unknown programs are local: `grep evil.example`
and `git log --author=ceo@evil.example` merely mention a name and are allowed.
"""

from __future__ import annotations

# Tables of names read better packed than one per line.
# fmt: off
# Programs whose arguments name where data goes. Every argument is read for recipients; container and
# cluster tools are here because what they run reaches out too.
NETWORK = {
    "apprise", "aria2c", "aws", "axel", "az", "bsd-mailx", "chromium", "chromium-browser", "curl", "dig", "docker",
    "elinks", "fetch", "firefox", "ftp", "gcloud", "gh", "google-chrome", "grpcurl", "host", "http", "httpie",
    "https", "hub", "irssi", "kubectl", "ldapsearch", "lftp", "links", "lynx", "mail", "mailx", "mongo", "mongosh",
    "mosh", "msmtp", "mtr", "mutt", "mysql", "nc", "ncat", "neomutt", "nerdctl", "netcat", "nmap", "nslookup",
    "ntfy", "open", "openssl", "ping", "ping6", "podman", "psql", "redis-cli", "rsync", "s-nail", "scp", "sendmail",
    "sensible-browser", "sftp", "signal-cli", "slack", "smbclient", "snmpget", "socat", "sqlcmd", "ssh", "ssmtp",
    "swaks", "t", "telegram-send", "telnet", "tftp", "toot", "traceroute", "twilio", "twurl", "w3m", "websocat",
    "weechat", "wget", "wget2", "whois", "wscat", "x-www-browser", "xdg-open", "xh", "xhs"
}
# Network programs whose positional arguments are destinations: a value only known at run time there
# makes the verdict `ask`. The others (gh, aws, docker, ...) take titles, ids and names as positionals.
TARGET_POSITIONAL = {
    "aria2c", "axel", "bsd-mailx", "chromium", "chromium-browser", "curl", "dig", "elinks", "fetch", "firefox",
    "ftp", "google-chrome", "grpcurl", "host", "http", "httpie", "https", "lftp", "links", "lynx", "mail", "mailx",
    "mosh", "msmtp", "mtr", "mutt", "nc", "ncat", "neomutt", "netcat", "nmap", "nslookup", "open", "ping", "ping6",
    "rsync", "s-nail", "scp", "sendmail", "sensible-browser", "sftp", "smbclient", "socat", "ssh", "ssmtp", "swaks",
    "telnet", "tftp", "traceroute", "twurl", "w3m", "websocat", "wget", "wget2", "whois", "wscat", "x-www-browser",
    "xdg-open", "xh", "xhs"
}
# Programs that fetch from URLs given to them; only explicit URLs and addresses in their arguments count.
URL_FETCHERS = {
    "apt", "apt-get", "brew", "cargo", "conda", "gem", "git", "go", "helm", "npm", "npx", "pip", "pip3", "pipx",
    "pnpm", "uv", "yarn"
}
GIT_NETWORK = {
    "archive", "clone", "fetch", "ls-remote", "pull", "push", "remote", "request-pull", "submodule"
}
# Prefixes that run the rest of the line as a command. Value: options that consume the next word.
WRAPPERS: dict[str, set[str]] = {
    "sudo": {"-C", "-D", "-T", "-U", "-g", "-h", "-p", "-r", "-t", "-u"},
    "doas": {"-C", "-u"},
    "env": {"--chdir", "--unset", "-C", "-u"},
    "command": set(),
    "builtin": set(),
    "exec": {"-a"},
    "nohup": set(),
    "time": {"-f", "-o"},
    "nice": {"-n"},
    "ionice": {"-c", "-n", "-p"},
    "stdbuf": {"-e", "-i", "-o"},
    "timeout": {"-k", "-s"},
    "xargs": {"-E", "-I", "-L", "-P", "-a", "-d", "-n", "-s"},
    "strace": {"-e", "-o", "-p", "-s"},
    "ltrace": {"-e", "-o"},
    "unbuffer": set(),
    "proxychains": {"-f"},
    "proxychains4": {"-f"},
    "torsocks": set(),
    "torify": set(),
    "firejail": set(),
    "busybox": set(),
    "chronic": set(),
    "setsid": set(),
    "flock": {"-E", "-w"},
    "caffeinate": set(),
    "catchsegv": set(),
    "faketime": set(),
    "tsocks": set(),
    "with-proxy": set(),
    "chrt": set(),
    "taskset": set(),
    "watch": {"-d", "-n"},
}
WRAPPER_POSITIONALS = {"timeout": 1, "flock": 1, "chrt": 1, "taskset": 1, "faketime": 1}
SHELLS = {
    "ash", "bash", "csh", "dash", "fish", "ksh", "mksh", "rbash", "sh", "tcsh", "yash", "zsh"
}
# Interpreters and the options that take inline code.
INTERPRETERS: dict[str, set[str]] = {
    "python": {"-c"},
    "node": {"--eval", "--print", "-e", "-p"},
    "nodejs": {"--eval", "-e", "-p"},
    "ruby": {"-e"},
    "perl": {"-E", "-e"},
    "php": {"-r"},
    "deno": {"eval"},
    "bun": {"--eval", "-e"},
    "osascript": {"-e"},
    "pwsh": {"-Command", "-c", "-command"},
    "powershell": {"-Command", "-c", "-command"},
    "lua": {"-e"},
    "rscript": {"-e"},
    "tclsh": set(),
    "awk": set(),
    "gawk": set(),
    "mawk": set(),
    "nawk": set(),
    "jshell": set(),
}
# Options that consume the next word, per interpreter, so `python3 -W ignore -c …` still finds `-c`.
INTERPRETER_VALUE_OPTIONS: dict[str, set[str]] = {
    "python": {"-W", "-X", "--check-hash-based-pycs"},
    "node": {"-r", "--require", "--import", "--loader", "--experimental-loader", "--input-type", "--title", "-C",
             "--conditions", "--env-file", "--inspect-port"},
    "nodejs": {"-r", "--require", "--import", "--loader", "--input-type"},
    "ruby": {"-I", "-r", "-E", "-C", "-F", "--encoding"},
    "perl": {"-I", "-M", "-m"},
    "bun": {"-r", "--preload", "--cwd", "--env-file"},
    "php": {"-c", "-d", "-z"},
    "lua": {"-l"},
    "awk": {"-F", "-v", "-W", "--field-separator", "--assign"},
}
for _awk in ("gawk", "mawk", "nawk"):
    INTERPRETER_VALUE_OPTIONS[_awk] = INTERPRETER_VALUE_OPTIONS["awk"]
AWKS = {"awk", "gawk", "mawk", "nawk"}
# `python -m MODULE` modules that reach the network themselves: denied outright for outbound = deny.
NETWORK_MODULES = {
    "pip", "pip3", "http.server", "smtplib", "smtpd", "aiosmtpd", "urllib.request", "ftplib", "webbrowser",
    "httpx", "requests", "ensurepip", "pipx", "uv", "twine", "wget", "poplib", "imaplib", "telnetlib"
}
# Programs that run another command given in their arguments: `find -exec CMD … ;`, `parallel CMD ::: …`.
EXEC_OPTIONS = {"-exec", "-execdir", "-ok", "-okdir"}
# Programs whose output can be computed statically (for `echo ... | base64 -d | sh`).
DECODERS = {
    "base32", "base64", "basenc", "gunzip", "gzip", "openssl", "rev", "uudecode", "xxd", "zcat"
}
# Options whose value is a target (a dynamic value there means the destination is unknown).
TARGET_OPTIONS = {
    "--bcc", "--cc", "--connect-to", "--doh-url", "--host", "--mail-rcpt", "--preproxy", "--proxy", "--resolve",
    "--server", "--socks4", "--socks4a", "--socks5", "--socks5-hostname", "--to", "--url", "-J", "-b", "-c",
    "-connect", "-x"
}
# Options that consume the next word, per program (for telling targets from settings).
VALUE_OPTIONS: dict[str, set[str]] = {
    "curl": {
        "--cacert", "--cert", "--config", "--connect-timeout", "--connect-to", "--continue-at", "--cookie",
        "--cookie-jar", "--data", "--data-ascii", "--data-binary", "--data-raw", "--data-urlencode",
        "--dns-servers", "--doh-url", "--dump-header", "--form", "--form-string", "--header", "--interface",
        "--json", "--key", "--limit-rate", "--mail-from", "--mail-rcpt", "--max-filesize", "--max-time",
        "--oauth2-bearer", "--output", "--preproxy", "--proxy", "--proxy-user", "--quote", "--range", "--referer",
        "--request", "--resolve", "--retry", "--retry-delay", "--socks5", "--socks5-hostname", "--trace",
        "--trace-ascii", "--unix-socket", "--upload-file", "--url", "--user", "--user-agent", "--variable",
        "--write-out", "-A", "-C", "-D", "-E", "-F", "-H", "-K", "-P", "-Q", "-T", "-U", "-X", "-Y", "-b", "-c",
        "-d", "-e", "-m", "-o", "-r", "-t", "-u", "-w", "-x", "-y", "-z"
    },
    "wget": {
        "--base", "--body-data", "--body-file", "--ca-certificate", "--certificate", "--domains", "--execute",
        "--header", "--input-file", "--level", "--limit-rate", "--load-cookies", "--method", "--output-document",
        "--password", "--post-data", "--post-file", "--private-key", "--referer", "--save-cookies", "--timeout",
        "--tries", "--user", "--user-agent", "--wait", "-A", "-B", "-D", "-I", "-O", "-P", "-Q", "-R", "-T", "-U",
        "-X", "-a", "-e", "-i", "-l", "-o", "-t", "-w"
    },
    "ssh": {
        "-B", "-D", "-E", "-F", "-I", "-J", "-L", "-O", "-Q", "-R", "-S", "-W", "-b", "-c", "-e", "-i", "-l",
        "-m", "-o", "-p", "-w"
    },
    "scp": {"-D", "-F", "-J", "-P", "-S", "-c", "-i", "-l", "-o"},
    "sftp": {"-D", "-F", "-J", "-P", "-R", "-S", "-b", "-c", "-i", "-l", "-o", "-s"},
    "rsync": {
        "--backup-dir", "--bwlimit", "--chmod", "--chown", "--exclude", "--exclude-from", "--files-from",
        "--filter", "--include", "--include-from", "--log-file", "--partial-dir", "--password-file", "--port",
        "--rsh", "--suffix", "--temp-dir", "--timeout", "-B", "-T", "-e", "-f"
    },
    "nc": {"-I", "-O", "-P", "-T", "-V", "-X", "-c", "-e", "-i", "-p", "-q", "-s", "-w", "-x"},
    "mail": {"-A", "-S", "-a", "-b", "-c", "-f", "-q", "-r", "-s", "-u"},
    "mutt": {"-F", "-H", "-a", "-b", "-c", "-e", "-i", "-s"},
    "sendmail": {"--from", "--host", "--port", "-B", "-C", "-F", "-L", "-N", "-O", "-R", "-V", "-X", "-a", "-f", "-o"},
    "swaks": {
        "--attach", "--auth", "--body", "--data", "--from", "--header", "--port", "--server", "--to", "-a", "-ap",
        "-au", "-f", "-p", "-s", "-t"
    },
    "openssl": {"-CAfile", "-cert", "-connect", "-host", "-in", "-key", "-out", "-port", "-proxy", "-servername"},
}
VALUE_OPTIONS["ncat"] = VALUE_OPTIONS["netcat"] = VALUE_OPTIONS["nc"]
VALUE_OPTIONS["mailx"] = VALUE_OPTIONS["s-nail"] = VALUE_OPTIONS["bsd-mailx"] = VALUE_OPTIONS["mail"]
VALUE_OPTIONS["neomutt"] = VALUE_OPTIONS["mutt"]
VALUE_OPTIONS["msmtp"] = VALUE_OPTIONS["ssmtp"] = VALUE_OPTIONS["sendmail"]
VALUE_OPTIONS["wget2"] = VALUE_OPTIONS["wget"]
# Options whose value names a file the program sends (`-d @file` is handled by its `@` prefix).
PAYLOAD_OPTIONS = {
    "--attach", "--body", "--body-file", "--config", "--data", "--input-file", "--post-file", "--upload-file", "-H",
    "-K", "-T", "-i"
}
# Programs that only read: mentioning a protected settings file with these is fine.
READ_ONLY = {
    "[", "[[", "ag", "basename", "bat", "batcat", "cat", "cd", "cmp", "column", "cut", "diff", "dirname", "du",
    "echo", "egrep", "false", "fgrep", "file", "grep", "head", "hexdump", "jq", "less", "ls", "md5sum",
    "more", "nl", "od", "printf", "pwd", "readlink", "realpath", "rg", "sha1sum", "sha256sum", "sort", "stat",
    "strings", "tail", "test", "tree", "true", "type", "uniq", "view", "wc", "which", "yq"
}
# git subcommands that change files in the working tree (the others leave a settings file as it is).
GIT_WRITES = {
    "checkout", "restore", "reset", "rm", "mv", "stash", "apply", "am", "merge", "pull", "rebase", "cherry-pick",
    "revert", "clean", "switch", "worktree", "submodule", "filter-branch", "checkout-index", "read-tree",
}
# fmt: on
# Words that show interpreter code uses the network (then its strings are read for recipients).
NETWORK_HINT = (
    r"(?i)(?:urllib|urlopen|requests\.|httpx|aiohttp|http\.client|\bsocket\b|smtplib|ftplib|telnetlib|"
    r"websocket|\bfetch\s*\(|xmlhttprequest|axios|\bhttps?\.(?:get|request)|\bnet\.|net::|lwp|http::|"
    r"\bcurl\b|\bwget\b|open-uri|sendmail|\bmail\s*\(|os\.system|subprocess|\bpopen|child_process|"
    r"\bexec[a-z]*\s*\(|\bspawn|\bsystem\s*\(|invoke-webrequest|invoke-restmethod|net\.webclient|"
    r"send-mailmessage|b64decode|atob\s*\(|base64|io\.popen|getaddrinfo|\bconnect\s*\()"
)
