"""A static reader for shell command lines: words as the shell would see them, without running anything.

`shlex` does not know `$'\\x65'`, command substitution, here-documents or redirections, and each is a
way to hide a recipient (`ev''il`, `$'\\x65vil'`, `$(echo ZXZpbA== | base64 -d)`). This lexer resolves
quoting and ANSI-C escapes, keeps each word's unresolved parts marked (`Word.dynamic`), hands nested
command substitutions to the caller (`Lexer.nested`) and collects redirections and here-documents.
It is one linear pass; nesting depth and input size are bounded by the caller.
"""

from __future__ import annotations

import re

HOLE = "\x00"  # stands for a part of a word the reader cannot know (an unset $VAR, $RANDOM, ...)
_VAR = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_PLAIN = re.compile(r"[^\s;&|<>()'\"\\$`#{}]+")
_BLANKS = re.compile(r"[ \t]+")
_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]{0,127})=(.*)", re.S)
_ANSI = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "v": "\v"}
OPERATORS = ("&&", "||", ";;", "|&", ";", "|", "&", "\n")
REDIRECT = re.compile(r"(?:[0-9]{1,2}|&)?(?:<<<|<<-|<<|<>|<&|>&|>>|>\||<|>)")


class Word:
    """One shell word: `text` with unknown parts as HOLE, and the source as written."""

    __slots__ = ("raw", "text")

    def __init__(self, text: str, raw: str) -> None:
        self.text = text
        self.raw = raw

    @property
    def dynamic(self) -> bool:
        return HOLE in self.text

    def __repr__(self) -> str:
        return f"Word({self.text!r})"


class Command:
    """A simple command: words, redirections (op, target), and its place in a pipeline."""

    __slots__ = ("heredocs", "pipe_next", "redirects", "words")

    def __init__(self) -> None:
        self.words: list[Word] = []
        self.redirects: list[tuple[str, Word]] = []
        self.heredocs: list[list[str]] = []  # filled with the body once the line ends
        self.pipe_next = False  # stdout goes to the next command


def ansi_c(body: str) -> str:
    """Decode the inside of `$'...'`."""
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\" or i + 1 >= len(body):
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1]
        i += 2
        if nxt in _ANSI:
            out.append(_ANSI[nxt])
        elif nxt in "xuU":
            size = {"x": 2, "u": 4, "U": 8}[nxt]
            digits = re.match(r"[0-9a-fA-F]+", body[i : i + size])
            if digits:
                out.append(chr(min(int(digits.group(0), 16), 0x10FFFF)))
                i += len(digits.group(0))
            else:
                out.append("\\" + nxt)
        elif nxt in "01234567":
            digits = re.match(r"[0-7]{0,2}", body[i : i + 2])
            value = nxt + (digits.group(0) if digits else "")
            out.append(chr(int(value, 8)))
            i += len(value) - 1
        elif nxt == "c" and i < len(body):
            out.append(chr(ord(body[i]) & 0x1F))
            i += 1
        else:
            out.append(nxt)
    return "".join(out)


class Lexer:
    """Splits a command line into `Command`s. `lookup(name)` resolves `$name` (None = unknown);
    `substitute(source)` returns the static value of `$(source)` or None, and records it as nested."""

    def __init__(self, source: str, lookup: object, substitute: object, assign: object = None) -> None:
        self.s = source
        self.i = 0
        self.lookup = lookup
        self.substitute = substitute
        self.assign = assign  # called with (name, value) for `NAME=value` lines as they are read
        self.commands: list[Command] = []

    # --- helpers -----------------------------------------------------------------------------------
    def _closing(self, start: int, open_ch: str, close_ch: str) -> int:
        """Index of the bracket closing the one before `start`, skipping quotes; len(s) if none."""
        depth = 1
        i = start
        s = self.s
        while i < len(s):
            ch = s[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "'":
                end = s.find("'", i + 1)
                i = len(s) if end < 0 else end + 1
                continue
            if ch == '"':
                i = self._dquote_end(i + 1) + 1
                continue
            if ch == open_ch:
                depth += 1
            elif ch == close_ch:
                depth -= 1
                if depth == 0:
                    return i
            i += 1
        return len(s)

    def _dquote_end(self, i: int) -> int:
        s = self.s
        while i < len(s):
            if s[i] == "\\":
                i += 2
                continue
            if s[i] == '"':
                return i
            if s[i] == "$" and s[i + 1 : i + 2] == "(":
                i = self._closing(i + 2, "(", ")") + 1
                continue
            if s[i] == "`":
                end = s.find("`", i + 1)
                i = len(s) if end < 0 else end + 1
                continue
            i += 1
        return len(s)

    def _dollar(self, quoted: bool) -> str:
        """Consume an expansion at self.i (which points at '$'); return its static value or HOLE."""
        s = self.s
        i = self.i + 1
        nxt = s[i : i + 1]
        if nxt == "(" and s[i + 1 : i + 2] == "(":
            end = self._closing(i + 2, "(", ")")
            self.i = min(end + 2, len(s))
            return HOLE
        if nxt == "(":
            end = self._closing(i + 1, "(", ")")
            self.i = end + 1
            value = self.substitute(s[i + 1 : end])  # type: ignore[operator]
            return HOLE if value is None else str(value)
        if nxt == "{":
            end = self._closing(i + 1, "{", "}")
            self.i = end + 1
            inner = s[i + 1 : end]
            name = _VAR.match(inner)
            if name and name.end() == len(inner):
                value = self.lookup(inner)  # type: ignore[operator]
                return HOLE if value is None else str(value)
            return HOLE
        if not quoted and nxt in ("'", '"'):
            self.i = i
            return ""  # $'...' and $"..." are handled by the quote readers
        name = _VAR.match(s, i)
        if name:
            self.i = name.end()
            value = self.lookup(name.group(0))  # type: ignore[operator]
            return HOLE if value is None else str(value)
        if nxt and nxt in "0123456789@*#?$!-":
            self.i = i + 1
            return HOLE
        self.i = i
        return "$"

    # --- the main loop -----------------------------------------------------------------------------
    def run(self) -> list[Command]:
        s = self.s
        current = Command()
        pending: list[tuple[str, bool, list[str]]] = []  # here-doc delimiters waiting for a newline
        while self.i < len(s):
            ch = s[self.i]
            if ch in " \t":
                self.i = _BLANKS.match(s, self.i).end()  # type: ignore[union-attr]
                continue
            if ch == "\\" and s[self.i + 1 : self.i + 2] == "\n":
                self.i += 2
                continue
            if ch == "#":
                end = s.find("\n", self.i)
                self.i = len(s) if end < 0 else end
                continue
            if ch in "(){}" and (self.i + 1 >= len(s) or s[self.i + 1] in " \t\n;&|()" or ch in "()"):
                self._end(current)
                current = Command()
                self.i += 1
                continue
            redirect = REDIRECT.match(s, self.i) if ch in "<>" or ch.isdigit() or s.startswith("&>", self.i) else None
            if redirect is None:
                op = next((o for o in OPERATORS if s.startswith(o, self.i)), None) if ch in ";&|\n" else None
                if op is not None:
                    current.pipe_next = op in ("|", "|&")
                    self._end(current)
                    current = Command()
                    self.i += len(op)
                    if op == "\n" and pending:
                        self._read_heredocs(pending)
                        pending = []
                    continue
            if redirect and s[redirect.end() : redirect.end() + 1] != "(":
                self.i = redirect.end()
                while self.i < len(s) and s[self.i] in " \t":
                    self.i += 1
                if self.i < len(s) and s[self.i] in "\n;&|":
                    continue
                target = self._word()
                op_text = redirect.group(0).lstrip("0123456789&")
                if op_text in ("<<", "<<-"):
                    body: list[str] = []
                    quoted = any(q in target.raw for q in "'\"\\")
                    pending.append((target.text.replace(HOLE, ""), op_text == "<<-", body))
                    current.heredocs.append(body)
                    current.redirects.append((op_text, Word("", target.raw)))
                    if not quoted:
                        body.append("")  # marker: unquoted delimiter, the body may expand
                else:
                    current.redirects.append((op_text, target))
                continue
            current.words.append(self._word())
        self._end(current)
        if pending:
            self._read_heredocs(pending)
        return self.commands

    def _end(self, command: Command) -> None:
        if self.assign is not None and len(command.words) > 1 and command.words[0].text in ("for", "select"):
            self.assign(command.words[1].text, HOLE)  # type: ignore[operator]  # the loop variable is unknown
        if self.assign is not None and command.words:
            words = command.words[1:] if command.words[0].text in ("export", "declare", "local", "readonly") else []
            if words or all(_ASSIGNMENT.fullmatch(w.text) for w in command.words):
                for word in words or command.words:
                    match = _ASSIGNMENT.fullmatch(word.text)
                    if match and HOLE not in match.group(2):
                        self.assign(match.group(1), match.group(2))  # type: ignore[operator]
        if command.words or command.redirects:
            self.commands.append(command)
        elif command.pipe_next and self.commands:
            self.commands[-1].pipe_next = True

    def _read_heredocs(self, pending: list[tuple[str, bool, list[str]]]) -> None:
        s = self.s
        for delimiter, strip_tabs, body in pending:
            lines: list[str] = []
            while self.i < len(s):
                end = s.find("\n", self.i)
                line = s[self.i : len(s) if end < 0 else end]
                self.i = len(s) if end < 0 else end + 1
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    break
                lines.append(line)
            body.append("\n".join(lines) + "\n")

    def _word(self) -> Word:
        s = self.s
        start = self.i
        parts: list[str] = []
        while self.i < len(s):
            plain = _PLAIN.match(s, self.i)  # a run of ordinary characters in one step, not one by one
            if plain:
                parts.append(plain.group(0))
                self.i = plain.end()
                continue
            ch = s[self.i]
            if ch in " \t\n;&|" or (ch in "<>" and not s.startswith("(", self.i + 1)):
                break
            if ch in "()" and parts == [] and self.i == start:
                break
            if ch == ")":
                break
            if ch == "\\":
                parts.append(s[self.i + 1 : self.i + 2] if s[self.i + 1 : self.i + 2] != "\n" else "")
                self.i += 2
            elif ch == "'":
                end = s.find("'", self.i + 1)
                end = len(s) if end < 0 else end
                parts.append(s[self.i + 1 : end])
                self.i = end + 1
            elif ch == '"':
                parts.append(self._dquoted())
            elif ch == "$" and s[self.i + 1 : self.i + 2] == "'":
                end = self.i + 2
                while end < len(s) and s[end] != "'":
                    end += 2 if s[end] == "\\" else 1
                parts.append(ansi_c(s[self.i + 2 : min(end, len(s))]))
                self.i = end + 1
            elif ch == "$":
                parts.append(self._dollar(quoted=False))
            elif ch == "`":
                end = s.find("`", self.i + 1)
                end = len(s) if end < 0 else end
                value = self.substitute(s[self.i + 1 : end])  # type: ignore[operator]
                parts.append(HOLE if value is None else str(value))
                self.i = end + 1
            elif ch in "<>" and s.startswith("(", self.i + 1):
                end = self._closing(self.i + 2, "(", ")")
                self.substitute(s[self.i + 2 : end])  # type: ignore[operator]
                parts.append(HOLE)
                self.i = end + 1
            else:
                parts.append(ch)
                self.i += 1
        return Word("".join(parts), s[start : self.i])

    def _dquoted(self) -> str:
        s = self.s
        self.i += 1
        parts: list[str] = []
        while self.i < len(s) and s[self.i] != '"':
            ch = s[self.i]
            if ch == "\\" and s[self.i + 1 : self.i + 2] in ('"', "\\", "$", "`", "\n"):
                parts.append(s[self.i + 1] if s[self.i + 1] != "\n" else "")
                self.i += 2
            elif ch == "$" and s[self.i + 1 : self.i + 2] not in ('"', ""):
                parts.append(self._dollar(quoted=True))
            elif ch == "`":
                end = s.find("`", self.i + 1)
                end = len(s) if end < 0 else end
                value = self.substitute(s[self.i + 1 : end])  # type: ignore[operator]
                parts.append(HOLE if value is None else str(value))
                self.i = end + 1
            else:
                parts.append(ch)
                self.i += 1
        self.i += 1
        return "".join(parts)
