"""Network programs (curl, ssh, mail senders, nc, git's remote subcommands, …): every argument, the
files and input they send and the `/dev/tcp` paths opened are checked; a destination only known at run
time makes the verdict `ask`.
"""

from __future__ import annotations

import re

from gizinterm.policy import programs as P
from gizinterm.policy.shell.files import FileAccess
from gizinterm.policy.shell.state import Denied, program_name
from gizinterm.policy.shlex_static import HOLE, Word

DEV_NET = re.compile(r"/dev/(?:tcp|udp)/([^/\s]{1,300})/")
ITEM = re.compile(r"[\w.\-]{1,100}(?::=|==|=|:|@)")  # httpie request items: name=value, header:value


class NetworkReader(FileAccess):
    def _network(
        self, name: str, words: list[Word], *, stdin: str | None = None, dynamic_program: bool = False
    ) -> None:
        args = words[1:]
        given = " ".join(w.text.replace(HOLE, "$?") for w in words)[:300]
        if self.deny_all and not dynamic_program:
            raise Denied(self.deny_all, given, name, f"{name} reaches outside the office ({self.deny_all})")
        value_opts = P.VALUE_OPTIONS.get(name, set())
        previous = ""
        positional = 0
        for word in args:
            text = word.text
            option, eq, inline = text.partition("=") if text.startswith("--") else (text, "", "")
            self._scan(text.replace(HOLE, " "), given)
            if word.raw != text:
                self._scan(word.raw, given)
            if previous in value_opts or eq:
                opt = previous if previous in value_opts else option
                value = inline if eq else text
                self._option_value(opt, value, word, given)
                previous = ""
                continue
            if text.startswith("-") and len(text) > 1:
                previous = text
                if not text.startswith("--") and len(text) > 2 and text[:2] in value_opts:
                    self._option_value(text[:2], text[2:], word, given)  # -dDATA, -H'X: y'
                    previous = ""
                continue
            previous = ""
            positional += 1
            if name in ("ssh", "mosh") and positional > 1:
                self.read(text.replace(HOLE, ""), 1)  # the remote command runs outside the office too
                continue
            if name in ("http", "https", "xh", "xhs", "httpie") and ITEM.match(text) and positional > 1:
                continue
            self._target(word, given, positional=name in P.TARGET_POSITIONAL or dynamic_program)
        if stdin is not None and name in (
            "sendmail",
            "msmtp",
            "ssmtp",
            "mail",
            "mailx",
            "s-nail",
            "mutt",
            "neomutt",
            "nc",
            "ncat",
            "netcat",
            "socat",
            "telnet",
            "swaks",
            "openssl",
            "curl",
            "bsd-mailx",
        ):
            self._scan(stdin, f"{given} (input)")
        if dynamic_program:
            return

    def _dynamic_program(self, words: list[Word]) -> None:
        """`curl${IFS}https://…`, `$X https://…`: the program is only known at run time, so its own
        word is read as well as its arguments; an allow would be a guess."""
        given = " ".join(w.text.replace(HOLE, "$?") for w in words)[:300]
        self._scan(words[0].text.replace(HOLE, " "), given)
        if words[0].raw != words[0].text:
            self._scan(words[0].raw, given)
        self._network(program_name(words[0]), words, dynamic_program=True)
        if self.deny_all:
            raise Denied(self.deny_all, given, "", f"a program only known at run time ({self.deny_all})")
        self.asks.append(f"the program of `{given[:80]}` is only known at run time")

    def _option_value(self, option: str, value: str, word: Word, given: str) -> None:
        if value.startswith("@") or (option in ("-F", "--form") and "=@" in value) or option in P.PAYLOAD_OPTIONS:
            path = value.split("=@", 1)[-1] if "=@" in value else value.lstrip("@<")
            path = path.split(";", 1)[0]
            content = self._read_file(path) if path and path != "-" else None
            if content is not None:
                self._scan(content, f"{given} (file {path})")
        if option in P.TARGET_OPTIONS:
            self._target(Word(value, word.raw), given, positional=True)

    def _target(self, word: Word, given: str, positional: bool = True) -> None:
        """A destination argument: checked as a URL/host/address; unresolvable -> ask.

        Only where a destination is certain to be: a URL's authority, or the positional arguments of a
        program whose positionals are destinations (`curl $URL`; not `gh pr create --title "$T"`)."""
        text = word.text
        if HOLE in text:
            static = text.replace(HOLE, "")
            scheme_cut = text.split("://", 1)[-1]
            authority = re.split(r"[/?#]", scheme_cut, maxsplit=1)[0]
            certain = "://" in text or positional
            host, colon, port = authority.rpartition(":")
            if colon and host and HOLE not in host and not port.replace(HOLE, "").strip("0123456789"):
                authority = host  # only the port is unknown (`localhost:$PORT`): the host decides
            if certain and (HOLE in authority or not static.strip()):
                self.asks.append(f"destination of `{given}` is only known at run time ({word.raw[:80]})")
                return
            text = static
        hit = self.m.value(text)
        if hit:
            self._deny(hit)

    def _fetcher(self, name: str, args: list[Word]) -> None:
        if name == "git":
            sub = next((w.text for w in args if not w.text.startswith("-")), "")
            if sub == "send-email":
                self._network("git send-email", [Word("git", "git"), *args])
                return
            if sub not in P.GIT_NETWORK:
                return
        for word in args:
            text = word.text.replace(HOLE, " ")
            if self.deny_all and ("://" in text or re.match(r"[\w.-]+@[\w.-]+:", text)):
                raise Denied(self.deny_all, text, name, f"{name} fetches from outside the office ({self.deny_all})")
            if "://" in text or "@" in text:
                hit = self.m.text(text)
                if hit:
                    self._deny(hit)
                scp = re.match(r"(?:[\w.-]+@)?([\w.-]+):", text)
                if scp and "://" not in text:
                    hit = self.m.host(scp.group(1), text)
                    if hit:
                        self._deny(hit)

    def _dev_net(self, word: Word) -> None:
        if "/dev/" not in word.text:
            return
        for match in DEV_NET.finditer(word.text):
            host = match.group(1)
            if self.deny_all:
                raise Denied(
                    self.deny_all,
                    match.group(0),
                    host,
                    f"a /dev/tcp connection reaches outside the office ({self.deny_all})",
                )
            if HOLE in host:
                self.asks.append(f"connection to a host only known at run time ({word.raw[:80]})")
                continue
            hit = self.m.host(host, match.group(0))
            if hit:
                self._deny(hit)
