"""Reading a shell command for where it sends data, without running it.

`ShellReader.read(command)` walks every simple command (pipelines, `&&`, subshells, command
substitutions, `sh -c`, `eval`, here-documents, decoded `base64 … | sh`) and:
- for network programs (policy/programs.py NETWORK) checks every argument, the files they send (`curl -d @f`,
  `sendmail < msg`) and the `/dev/tcp` paths they open; a destination it cannot resolve statically
  (`curl https://$H.example/`) makes the verdict `ask`;
- for interpreters (`python -c`, `node -e`) checks the code when it uses the network;
- for anything that writes a protected file (hook settings, the office policy) denies.
Local commands that merely mention a blocked name are allowed.

The reader is split by subject: this module walks the command line (pipelines, wrappers, assignments,
redirects, static evaluation of simple producers) and dispatches each command; runners.py reads what
interpreters, shells, scripts, git and find/parallel would run; network.py checks network programs'
destinations; files.py reads files and guards protected ones; state.py holds what they share.
"""

from __future__ import annotations

import os
import re

from gizinterm.policy import producers
from gizinterm.policy import programs as P
from gizinterm.policy.shell.runners import RunnerReader
from gizinterm.policy.shell.state import MAX_DEPTH, Denied, program_name
from gizinterm.policy.shlex_static import HOLE, Command, Lexer, Word

__all__ = ["Denied", "ShellReader"]

MAX_COMMANDS = 20_000
WRITE_REDIRECTS = (">", ">>", ">|", "<>", "&>", "&>>", ">&")
# Reserved words in front of a command (`if curl …`, `then curl …`, `! curl …`): the command follows.
LEADING_KEYWORDS = {"!", "if", "then", "elif", "else", "while", "until", "do", "coproc", "time", "{"}
# Reserved words that close a compound command and run nothing themselves (`done < f`, `fi | cat`).
CLOSING_KEYWORDS = {"fi", "done", "esac", "}"}


def _no_substitution(inner: str) -> str | None:
    return None


class ShellReader(RunnerReader):
    # --- entry point ------------------------------------------------------------------------------------
    def read(self, source: str, depth: int = 0) -> None:
        """Analyse a command line; raises Denied on the first blocked destination."""
        if depth > MAX_DEPTH:
            self.asks.append("command nests deeper than the guard reads")
            return
        nested: list[tuple[str, int]] = []

        def substitute(inner: str) -> str | None:
            nested.append((inner, depth + 1))
            return self._static_output(inner, depth + 1)

        lexer = Lexer(source, self.vars.get, substitute, self.vars.__setitem__)
        commands = lexer.run()
        for inner, level in nested:
            self.read(inner, level)
        self._pipeline_walk(commands, depth)

    # --- pipelines and commands -------------------------------------------------------------------------
    def _pipeline_walk(self, commands: list[Command], depth: int) -> None:
        stdin: str | None = None
        decoded_upstream = False
        dynamic_upstream = False
        for index, command in enumerate(commands):
            self.count += 1
            if self.count > MAX_COMMANDS:
                raise Denied("guard: input too large", "", "", f"more than {MAX_COMMANDS} commands to read")
            piped_in = index > 0 and commands[index - 1].pipe_next
            if not piped_in:
                stdin, decoded_upstream, dynamic_upstream = None, False, False
            own_stdin = self._redirect_input(command)
            if own_stdin is not None:
                stdin = own_stdin
            self._command(command, stdin, piped_in and stdin is None, decoded_upstream, dynamic_upstream, depth)
            self._remember_writes(command, stdin)
            if command.pipe_next:
                words = self._strip_wrappers(command.words)
                name = program_name(words[0]) if words else ""
                decoded_upstream = decoded_upstream or name in P.DECODERS
                dynamic_upstream = dynamic_upstream or any(w.dynamic for w in words)
                stdin = self._output(words, stdin)

    def _remember_writes(self, command: Command, stdin: str | None) -> None:
        """Files this command line writes (`echo … > s.sh`, `cat > s.sh <<EOF`, `tee s.sh`), so that
        running them later in the same line (`sh s.sh`, `./s.sh`) reads what was written."""
        targets = [t.text for op, t in command.redirects if op in (">", ">>", ">|", "&>", "&>>")]
        words = self._strip_wrappers(command.words)
        if words and program_name(words[0]) == "tee":
            targets += [w.text for w in words[1:] if not w.text.startswith("-")]
        if not targets:
            return
        content = self._output(words, stdin) if words and program_name(words[0]) != "tee" else stdin
        for target in targets:
            if HOLE not in target:
                self.written[os.path.normpath(os.path.join(self.cwd, os.path.expanduser(target)))] = content

    def _redirect_input(self, command: Command) -> str | None:
        text: str | None = None
        for index, (op, target) in enumerate(command.redirects):
            if op in ("<<", "<<-"):
                bodies = command.heredocs[sum(1 for o, _ in command.redirects[:index] if o in ("<<", "<<-"))]
                text = "".join(bodies)
            elif op == "<<<":
                text = target.text + "\n"
            elif op == "<":
                text = self._read_file(target.text)
        return text

    def _command(
        self, command: Command, stdin: str | None, unknown_stdin: bool, decoded: bool, dynamic: bool, depth: int
    ) -> None:
        for op, target in command.redirects:
            self._dev_net(target)
            if op in WRITE_REDIRECTS:
                self._protected(target.text, "redirect")
        words = self._strip_keywords(list(command.words))
        if words and words[0].text in ("for", "select", "case", "function"):
            return  # a loop's word list or a case subject runs nothing; the body is its own command
        while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0].text, re.S):
            name, _, value = words[0].text.partition("=")
            if HOLE not in value:
                self.vars[name] = value
            self._scan_if_url(words[0])
            words.pop(0)
        if not words:
            return
        for word in words:
            self._dev_net(word)
        if words and program_name(words[0]) == "xargs":
            # xargs turns its input into arguments: read them if known, else they are unknown targets
            words = (
                [*words, *(Word(w, w) for w in stdin.split()[:10_000])]
                if stdin is not None
                else [*words, Word(HOLE, "$(stdin)")]
            )
        words = self._strip_wrappers(words)
        if not words:
            return
        name = program_name(words[0])
        args = words[1:]
        if (
            name == "gizin"
            and any(w.text == "blocklist" for w in args[:4])
            and any(w.text in ("add", "remove") for w in args)
        ):
            raise Denied("guard: protected file", "gizin blocklist", "", "agents may not change the office's blocklist")
        if name == "git":
            self._git(args, depth)
            return
        if name not in P.READ_ONLY and name != "gizin":
            for word in args:
                self._protected(word.text, name, allow_options=True, code=name in P.INTERPRETERS)
        if name == "ln":
            self._link(args)
        if name in ("find", "parallel", "sem"):
            self._runs_commands(name, args, stdin, depth)
        if name == "cd" and args and not args[0].dynamic:
            self.cwd = os.path.normpath(os.path.join(self.cwd, os.path.expanduser(args[0].text)))
            return
        if name in ("export", "declare", "typeset", "local", "readonly"):
            for word in args:
                key, eq, value = word.text.partition("=")
                if eq and HOLE not in value and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
                    self.vars[key] = value
            return
        if words[0].dynamic:
            self._dynamic_program(words)
            return
        if name in ("eval",):
            self.read(" ".join(w.text.replace(HOLE, "") for w in args), depth + 1)
            if any(w.dynamic for w in args):
                self.asks.append("eval of a value the guard cannot read")
            return
        if name in ("source", ".") and args:
            script = self._read_file(args[0].text, run=True)
            if script is not None:
                self.read(script, depth + 1)
            return
        if name in P.SHELLS:
            self._shell(name, args, stdin, unknown_stdin, decoded, dynamic, depth)
            return
        if "/" in words[0].text and name not in P.NETWORK and name not in P.INTERPRETERS:
            self._run_script(words[0].text, depth)  # ./send.sh: read what it would run
            return
        if name in P.INTERPRETERS:
            self._interpreter(name, args, stdin, unknown_stdin, decoded, dynamic, depth)
            return
        if name in P.NETWORK or (name == "gizin" and any(w.text == "outbound" for w in args[:4])):
            self._network(name, words, stdin=stdin)  # `gizin outbound send` too: no way round `deny`
            return
        if name in P.URL_FETCHERS:
            self._fetcher(name, args)

    @staticmethod
    def _strip_keywords(words: list[Word]) -> list[Word]:
        start = 0
        while (
            start < len(words)
            and words[start].text == words[start].raw
            and (words[start].text in LEADING_KEYWORDS or words[start].text in CLOSING_KEYWORDS)
        ):
            start += 1
        return words[start:] if start else words

    def _strip_wrappers(self, words: list[Word]) -> list[Word]:
        for _ in range(16):
            words = self._strip_keywords(words)
            if not words:
                return words
            name = program_name(words[0])
            if name not in P.WRAPPERS:
                return words
            takes = P.WRAPPERS[name]
            rest = words[1:]
            positionals = P.WRAPPER_POSITIONALS.get(name, 0)
            while rest:
                text = rest[0].text
                if name == "env" and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", text, re.S):
                    rest = rest[1:]
                elif name == "env" and text in ("-S", "--split-string") and len(rest) > 1:
                    self.read(rest[1].text.replace(HOLE, ""), 1)
                    rest = rest[2:]
                elif text.startswith("-") and text != "-":
                    rest = rest[2:] if text in takes else rest[1:]
                elif positionals:
                    positionals -= 1
                    rest = rest[1:]
                else:
                    break
            if name == "watch" and rest:
                self.read(" ".join(w.text for w in rest), 1)
                return []
            words = rest
        return words

    # --- static evaluation of simple producers ----------------------------------------------------------
    def _static_output(self, source: str, depth: int) -> str | None:
        if depth > MAX_DEPTH or len(source) > 100_000:
            return None
        lexer = Lexer(source, self.vars.get, _no_substitution)
        stream: str | None = None
        for command in lexer.run():
            own = self._redirect_input(command)
            stream = self._output(self._strip_wrappers(command.words), own if own is not None else stream)
            if stream is None or not command.pipe_next:
                break
        return stream.rstrip("\n") if stream is not None else None

    def _output(self, words: list[Word], stdin: str | None) -> str | None:
        if not words or any(w.dynamic for w in words):
            return None
        return producers.output(program_name(words[0]), [w.text for w in words[1:]], stdin, self._read_file)
