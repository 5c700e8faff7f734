"""Reading a shell command for where it sends data, without running it.

`ShellReader.read(command)` walks every simple command (pipelines, `&&`, subshells, command
substitutions, `sh -c`, `eval`, here-documents, decoded `base64 … | sh`) and:
- for network programs (programs.NETWORK) checks every argument, the files they send (`curl -d @f`,
  `sendmail < msg`) and the `/dev/tcp` paths they open; a destination it cannot resolve statically
  (`curl https://$H.example/`) makes the verdict `ask`;
- for interpreters (`python -c`, `node -e`) checks the code when it uses the network;
- for anything that writes a protected file (hook settings, the office policy) denies.
Local commands that merely mention a blocked name are allowed.
"""

from __future__ import annotations

import os
import re

from gizinterm.policy import producers
from gizinterm.policy import programs as P
from gizinterm.policy.match import Hit, Matcher
from gizinterm.policy.protect import Protected
from gizinterm.policy.shlex_static import HOLE, Command, Lexer, Word

MAX_DEPTH = 8
MAX_COMMANDS = 20_000
MAX_FILE = 1_000_000  # bytes of a payload or script file read for recipients
DEV_NET = re.compile(r"/dev/(?:tcp|udp)/([^/\s]{1,300})/")

B64_LITERAL = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
ITEM = re.compile(r"[\w.\-]{1,100}(?::=|==|=|:|@)")  # httpie request items: name=value, header:value
WRITE_REDIRECTS = (">", ">>", ">|", "<>", "&>", "&>>", ">&")
# Reserved words in front of a command (`if curl …`, `then curl …`, `! curl …`): the command follows.
LEADING_KEYWORDS = {"!", "if", "then", "elif", "else", "while", "until", "do", "coproc", "time", "{"}
# Reserved words that close a compound command and run nothing themselves (`done < f`, `fi | cat`).
CLOSING_KEYWORDS = {"fi", "done", "esac", "}"}
# bash/sh options that take the next word as their value (`-o pipefail`, `-O extglob`, `--rcfile f`).
SHELL_VALUE_OPTIONS = {"-o", "+o", "-O", "+O", "--rcfile", "--init-file"}
# git options before the subcommand that take the next word (`git -C dir push`, `git -c k=v fetch`).
GIT_VALUE_OPTIONS = {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--config-env", "--super-prefix"}
URL_LITERAL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,30}://[^\s'\"`<>]{1,2000}")
MAX_CODE_URLS = 1000
# python's argument-less one-letter flags, so `-Bc` and `-Im pip` are read and `-Wignore::ImportWarning` is not
PY_FLAGS = re.compile(r"-[bBdEhiIOPqRsSuvx]*c")
PY_MODULE = re.compile(r"-[bBdEhiIOPqRsSuvx]*m(.*)", re.S)


class Denied(Exception):
    def __init__(self, rule: str, given: str, normalized: str, reason: str) -> None:
        super().__init__(reason)
        self.rule = rule
        self.given = given
        self.normalized = normalized
        self.reason = reason


def _program(word: Word) -> str:
    name = os.path.basename(word.text)
    name = re.sub(r"[0-9.]+$", "", name) if name.startswith(("python", "pip", "ruby", "perl", "php", "lua")) else name
    return name.lower() if name.isascii() else name


def _no_substitution(inner: str) -> str | None:
    return None


class ShellReader:
    def __init__(self, matcher: Matcher, protect: Protected, cwd: str, *, deny_all: str | None = None) -> None:
        self.m = matcher
        self.protect = protect
        self.cwd = cwd
        self.deny_all = deny_all  # set for an agent with outbound = "deny": the rule to cite
        self.vars: dict[str, str] = {}
        self.written: dict[str, str | None] = {}  # files written earlier in this command line
        self.asks: list[str] = []
        self.count = 0

    # --- entry points ------------------------------------------------------------------------------
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

    def code(self, code: str, language: str, depth: int = 0) -> None:
        """Interpreter code (`python -c`, a script, stdin): checked when it uses the network."""
        if depth > MAX_DEPTH:
            return
        if "://" in code:
            # a URL literal is a destination whatever library or alias reaches it (`import requests as q`)
            if self.deny_all:
                raise Denied(self.deny_all, f"{language} code", "", f"{language} code names a URL ({self.deny_all})")
            for found in list(URL_LITERAL.finditer(code))[:MAX_CODE_URLS]:
                self._scan(found.group(0), f"{language} code")
        if not re.search(P.NETWORK_HINT, code):
            return
        self._scan(code, f"{language} code")
        joined = re.sub(r"""["']\s*(?:\+|\.|,|\.\.)?\s*["']""", "", code)  # "ev" + "il.example"
        if joined != code:
            self._scan(joined, f"{language} code")
        if self.deny_all:
            raise Denied(
                self.deny_all, f"{language} code", "", f"{language} code that uses the network ({self.deny_all})"
            )
        if re.search(r"(?i)b64decode|atob|base64", code):
            for match in list(B64_LITERAL.finditer(code))[:200]:
                decoded = producers.b64decode_loose(match.group(0))
                if decoded and decoded.isprintable():
                    self._scan(decoded, f"{language} code (decoded)")
        for call in re.findall(
            r"""(?:system|popen|exec\w*|run|call|check_output|spawn\w*)\s*\(\s*(?:\[)?\s*["']([^"']{1,4000})""", code
        ):
            self.read(call, depth + 1)

    # --- pipelines and commands --------------------------------------------------------------------
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
                name = _program(words[0]) if words else ""
                decoded_upstream = decoded_upstream or name in P.DECODERS
                dynamic_upstream = dynamic_upstream or any(w.dynamic for w in words)
                stdin = self._output(words, stdin)

    def _remember_writes(self, command: Command, stdin: str | None) -> None:
        """Files this command line writes (`echo … > s.sh`, `cat > s.sh <<EOF`, `tee s.sh`), so that
        running them later in the same line (`sh s.sh`, `./s.sh`) reads what was written."""
        targets = [t.text for op, t in command.redirects if op in (">", ">>", ">|", "&>", "&>>")]
        words = self._strip_wrappers(command.words)
        if words and _program(words[0]) == "tee":
            targets += [w.text for w in words[1:] if not w.text.startswith("-")]
        if not targets:
            return
        content = self._output(words, stdin) if words and _program(words[0]) != "tee" else stdin
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
        if words and _program(words[0]) == "xargs":
            # xargs turns its input into arguments: read them if known, else they are unknown targets
            words = (
                [*words, *(Word(w, w) for w in stdin.split()[:10_000])]
                if stdin is not None
                else [*words, Word(HOLE, "$(stdin)")]
            )
        words = self._strip_wrappers(words)
        if not words:
            return
        name = _program(words[0])
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

    def _git(self, args: list[Word], depth: int) -> None:
        """git's global options come before the subcommand (`git -C dir -c k=v push …`): `-C` moves the
        working tree the paths are relative to, and a `-c` value may itself be a command
        (`core.sshCommand`, `alias.x=!cmd`, `credential.helper`), so it is read as one."""
        cwd = self.cwd
        index = 0
        while index < len(args):
            text = args[index].text
            if text in GIT_VALUE_OPTIONS and index + 1 < len(args):
                value = args[index + 1].text
                if text == "-C" and HOLE not in value:
                    cwd = os.path.normpath(os.path.join(cwd, os.path.expanduser(value)))
                elif text == "-c":
                    self.read(value.partition("=")[2].lstrip("!").replace(HOLE, ""), depth + 1)
                index += 2
                continue
            if text.startswith("-"):
                if text.startswith("--work-tree=") or text.startswith("--git-dir="):
                    self._protected(text, "git", allow_options=True)
                index += 1
                continue
            break
        sub = args[index].text if index < len(args) else ""
        rest = args[index + 1 :]
        if sub in P.GIT_WRITES:
            saved, self.cwd = self.cwd, cwd
            try:
                for word in rest:
                    self._protected(word.text, "git", allow_options=True)
            finally:
                self.cwd = saved
        self._fetcher("git", args[index:])

    def _link(self, args: list[Word]) -> None:
        """`ln -s . o` makes every protected file writable as `o/agents.toml` later in the same line, before
        any link exists for the path check to resolve: a link to the office, one of its ancestors or a
        protected folder is denied."""
        if any(w.dynamic for w in args):
            self.asks.append("ln to a place only known at run time")
        operands = [w.text for w in args if not w.text.startswith("-") and HOLE not in w.text]
        link_dir = os.path.dirname(os.path.join(self.cwd, operands[-1])) if len(operands) > 1 else self.cwd
        for text in operands[:-1] or operands:
            for base in {self.cwd, link_dir}:
                why = self.protect.link_target(os.path.join(base, os.path.expanduser(text)))
                if why:
                    raise Denied("guard: protected file", text, text, f"ln would make {why} reachable by another name")

    def _runs_commands(self, name: str, args: list[Word], stdin: str | None, depth: int) -> None:
        """`find … -exec CMD {} ;` and `parallel CMD ::: ARGS`: the command they run is read as one."""
        if name == "find":
            index = 0
            while index < len(args):
                if args[index].text in P.EXEC_OPTIONS:
                    end = index + 1
                    while end < len(args) and args[end].text not in (";", "+"):
                        end += 1
                    inner = Command()
                    inner.words = args[index + 1 : end]
                    self._pipeline_walk([inner], depth + 1)
                    index = end
                index += 1
            return
        cut = next((i for i, w in enumerate(args) if w.text in (":::", "::::", ":::+", "::::+")), len(args))
        start = 0
        while start < cut and args[start].text.startswith("-"):
            start += 1
        inputs = [w for w in args[cut:] if w.text not in (":::", "::::", ":::+", "::::+")]
        if cut == len(args):
            inputs = [Word(w, w) for w in stdin.split()[:10_000]] if stdin is not None else [Word(HOLE, "$(stdin)")]
        template = args[start:cut]
        if not template:
            return
        inner = Command()
        inner.words = [Word(w.text.replace("{}", ""), w.raw) for w in template if w.text != "{}"] + inputs
        self._pipeline_walk([inner], depth + 1)

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
            name = _program(words[0])
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

    def _shell(
        self, name: str, args: list[Word], stdin: str | None, unknown: bool, decoded: bool, dynamic: bool, depth: int
    ) -> None:
        """`bash -o pipefail -e -c 'cmd'`: options are skipped with their values; the first operand is the
        command string when `-c` was among the options, else a script file."""
        inline = False
        index = 0
        while index < len(args):
            text = args[index].text
            if text == "--":
                index += 1
                break
            if text in SHELL_VALUE_OPTIONS:
                index += 2
                continue
            if text.startswith("--"):
                index += 1
                continue
            if text[:1] in "-+" and len(text) > 1:
                inline = inline or (text[0] == "-" and "c" in text[1:])
                index += 1
                continue
            break
        if index < len(args):
            operand = args[index]
            if inline:
                self.read(operand.text.replace(HOLE, ""), depth + 1)
                if operand.dynamic:
                    self.asks.append(f"{name} -c runs a command the guard cannot read")
                return
            script_text = self._read_file(operand.text, run=True)
            if script_text is not None:
                self.read(script_text, depth + 1)
            return
        if inline:
            return
        if stdin is not None:
            self.read(stdin, depth + 1)
        elif unknown and (decoded or dynamic):
            self.asks.append(f"{name} runs decoded or generated input the guard cannot read")

    def _run_script(self, path: str, depth: int) -> None:
        script = self._read_file(path, run=True)
        if script is None:
            return
        first = script.split("\n", 1)[0]
        interpreter = os.path.basename(first[2:].split()[-1] if first.startswith("#!") and first[2:].split() else "sh")
        interpreter = re.sub(r"[0-9.]+$", "", interpreter) if interpreter.startswith("python") else interpreter
        if interpreter in P.INTERPRETERS:
            self.code(script, interpreter, depth + 1)
        else:
            self.read(script, depth + 1)

    def _interpreter(
        self, name: str, args: list[Word], stdin: str | None, unknown: bool, decoded: bool, dynamic: bool, depth: int
    ) -> None:
        """Options are skipped with their values (`python3 -W ignore -X utf8 -c …`); inline code, a
        module (`python -m pip install …`, read like a URL fetcher) or a script file is read."""
        flags = P.INTERPRETERS.get(name, set())
        takes = P.INTERPRETER_VALUE_OPTIONS.get(name, set())
        index = 0
        while index < len(args):
            word = args[index]
            text = word.text
            if text in flags or (name == "python" and PY_FLAGS.fullmatch(text) and text.endswith("c")):
                if index + 1 < len(args):
                    self._inline_code(name, args[index + 1], depth)
                return
            module_flag = PY_MODULE.fullmatch(text) if name == "python" else None
            if module_flag:
                attached = module_flag.group(1)
                module = attached or (args[index + 1].text if index + 1 < len(args) else "")
                self._module(module, args[index + (1 if attached else 2) :])
                return
            if text in ("-", "--"):
                break
            if text in takes:
                index += 2
                continue
            if not text.startswith("-"):
                if name in P.AWKS:
                    self._inline_code(name, word, depth)
                    return
                script = self._read_file(text, run=True)
                if script is not None:
                    self.code(script, name, depth + 1)
                return
            if name in P.AWKS and text in ("-f", "--file") and index + 1 < len(args):
                script = self._read_file(args[index + 1].text, run=True)
                if script is not None:
                    self.code(script, name, depth + 1)
                return
            index += 1
        if stdin is not None:
            self.code(stdin, name, depth + 1)
        elif unknown and (decoded or dynamic):
            self.asks.append(f"{name} runs decoded or generated code the guard cannot read")

    def _inline_code(self, name: str, code: Word, depth: int) -> None:
        self.code(code.text.replace(HOLE, ""), name, depth + 1)
        if code.dynamic and self.deny_all:
            raise Denied(self.deny_all, name, "", f"{name} code the guard cannot read ({self.deny_all})")

    def _module(self, module: str, args: list[Word]) -> None:
        """`python -m pip|http.server|…`: the module's arguments are read like a URL fetcher's."""
        if module in P.NETWORK_MODULES and self.deny_all:
            raise Denied(self.deny_all, f"python -m {module}", module, f"python -m {module} ({self.deny_all})")
        self._fetcher(module, args)

    # --- network programs --------------------------------------------------------------------------
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
        self._network(_program(words[0]), words, dynamic_program=True)
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

    # --- helpers -----------------------------------------------------------------------------------
    def _scan(self, text: str, given: str) -> None:
        hit = self.m.text(text)
        if hit:
            self._deny(hit)

    def _scan_if_url(self, word: Word) -> None:
        if "://" in word.text:
            self._scan(word.text.replace(HOLE, " "), word.text)

    def _deny(self, hit: Hit) -> None:
        raise Denied(hit.rule, hit.given, hit.normalized, f"blocked by {hit.rule} ({hit.given})")

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

    def _protected(self, path: str, program: str, allow_options: bool = False, code: bool = False) -> None:
        if allow_options and path.startswith("-"):
            path = path.partition("=")[2]
        if not path:
            return
        value = path.partition("=")[2]
        why = self.protect.why(path, self.cwd) or (self.protect.why(value, self.cwd) if value else None)
        if why:
            raise Denied("guard: protected file", path, path, f"{program} would change {why}")
        named = self.protect.mentioned(path, code=code)
        if named:
            reason = f"{program} is given {named}, which holds agent hook settings or the office's policy"
            raise Denied("guard: protected file", path[:200], named, reason)
        name = self.protect.unknown_place(path) or (self.protect.unknown_place(value) if value else None)
        if name:
            shown = path.replace(HOLE, "…")[:80]
            self.asks.append(f"{program} writes {name} in a folder only known at run time ({shown})")

    def _read_file(self, path: str, *, run: bool = False) -> str | None:
        """A file's text (bounded), or what this command line wrote to it; None when unknown. `run`: the
        command executes it, so unknown content written by this line makes the verdict `ask`."""
        if not path or HOLE in path:
            return None
        full = os.path.normpath(os.path.join(self.cwd, os.path.expanduser(path)))
        if full in self.written:
            content = self.written[full]
            if content is None and run:
                self.asks.append(f"{path} is written and used in the same command; its content is unknown")
            return content
        try:
            with open(full, "rb") as handle:
                data = handle.read(MAX_FILE)
        except OSError:
            return None
        return data.decode("utf-8", "surrogateescape")

    # --- static evaluation of simple producers ----------------------------------------------------
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
        return producers.output(_program(words[0]), [w.text for w in words[1:]], stdin, self._read_file)
