"""Programs that run other code: interpreters (`python -c`, scripts, `python -m`), shells (`bash -c`),
scripts run by path, git (whose global options may carry a command), and find/parallel (which run a
command template). What they would run is read as code or as a nested command line.
"""

from __future__ import annotations

import os
import re

from gizinterm.policy import producers
from gizinterm.policy import programs as P
from gizinterm.policy.shell.network import NetworkReader
from gizinterm.policy.shell.state import MAX_DEPTH, Denied
from gizinterm.policy.shlex_static import HOLE, Command, Word

B64_LITERAL = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
# bash/sh options that take the next word as their value (`-o pipefail`, `-O extglob`, `--rcfile f`).
SHELL_VALUE_OPTIONS = {"-o", "+o", "-O", "+O", "--rcfile", "--init-file"}
# git options before the subcommand that take the next word (`git -C dir push`, `git -c k=v fetch`).
GIT_VALUE_OPTIONS = {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--config-env", "--super-prefix"}
URL_LITERAL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,30}://[^\s'\"`<>]{1,2000}")
MAX_CODE_URLS = 1000
# python's argument-less one-letter flags, so `-Bc` and `-Im pip` are read and `-Wignore::ImportWarning` is not
PY_FLAGS = re.compile(r"-[bBdEhiIOPqRsSuvx]*c")
PY_MODULE = re.compile(r"-[bBdEhiIOPqRsSuvx]*m(.*)", re.S)


class RunnerReader(NetworkReader):
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
