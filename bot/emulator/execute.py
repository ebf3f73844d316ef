"""`execute` with the VKScript subset senders use for batching.

Supported: `return <expr>;` (the `return` and `;` optional), where <expr> is a JSON-like
literal — double-quoted strings with JSON escapes, numbers, true/false/null, arrays and
objects (keys quoted or bare identifiers) — in which `API.<section>.<method>({...})` calls
may appear anywhere; their argument is such a literal without further calls. Calls run left
to right. Variables, operators and control flow are not supported (error 12).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import VKError
from .methods import method
from .params import Params

if TYPE_CHECKING:
    from .app import Emulator

MAX_CALLS = 25

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>"(?:[^"\\]|\\.)*")
    | (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    | (?P<punct>[\[\]{}(),:;])
    )""",
    re.VERBOSE,
)


@dataclass
class Call:
    method: str
    args: dict[str, Any]


@dataclass
class Envelope:
    """A response with fields next to `response` (execute's `execute_errors`)."""

    response: Any
    extra: dict[str, Any]


class _Parser:
    def __init__(self, code: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        position, code = 0, code.strip()
        while position < len(code):
            match = _TOKEN.match(code, position)
            if match is None or match.end() == position:
                raise VKError(12, f"unexpected symbol at {position}")
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            position = match.end()
        self.index = 0
        self.calls = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.index] if self.index < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end" or (value is not None and token[1] != value):
            raise VKError(12, f"expected {value or 'a value'}, got {token[1] or 'end of code'}")
        self.index += 1
        return token

    def program(self) -> Any:
        if self.peek() == ("name", "return"):
            self.take()
        value = self.value(allow_calls=True)
        while self.peek() == ("punct", ";"):
            self.take()
        if self.peek()[0] != "end":
            raise VKError(12, f"unsupported statement near {self.peek()[1]!r}")
        return value

    def value(self, allow_calls: bool) -> Any:
        kind, text = self.take()
        if kind == "string":
            return json.loads(text)
        if kind == "number":
            return json.loads(text)
        if kind == "name":
            literals = {"true": True, "false": False, "null": None}
            if text in literals:
                return literals[text]
            if allow_calls and text.startswith("API.") and text.count(".") == 2:
                return self.call(text.removeprefix("API."))
            raise VKError(12, f"unsupported name {text!r}")
        if text == "[":
            return self.sequence("]", lambda: self.value(allow_calls))
        if text == "{":
            return dict(self.sequence("}", lambda: self.pair(allow_calls)))
        raise VKError(12, f"unexpected {text!r}")

    def pair(self, allow_calls: bool) -> tuple[str, Any]:
        kind, text = self.take()
        if kind not in ("string", "name"):
            raise VKError(12, f"bad object key {text!r}")
        key = json.loads(text) if kind == "string" else text
        self.take(":")
        return key, self.value(allow_calls)

    def sequence(self, close: str, item: Any) -> list[Any]:
        items: list[Any] = []
        while self.peek()[1] != close:
            items.append(item())
            if self.peek()[1] != close:
                self.take(",")
        self.take(close)
        return items

    def call(self, name: str) -> Call:
        self.calls += 1
        self.take("(")
        args: dict[str, Any] = {}
        if self.peek()[1] != ")":
            args = self.value(allow_calls=False)
            if not isinstance(args, dict):
                raise VKError(12, f"API.{name} expects an object")
        self.take(")")
        return Call(name, args)


def _form_value(value: Any) -> str:
    """How VK turns a VKScript value into a method parameter."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return ",".join(_form_value(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@method("execute")
async def execute(emu: Emulator, p: Params, base_url: str) -> Any:
    code = p.str("code")
    if not code:
        raise VKError(100, "code is a required parameter")
    parser = _Parser(code)
    tree = parser.program()
    if parser.calls > MAX_CALLS:
        raise VKError(13, f"too many API calls ({parser.calls} > {MAX_CALLS})")
    errors: list[dict[str, Any]] = []

    async def evaluate(node: Any) -> Any:
        if isinstance(node, Call):
            params = {k: _form_value(v) for k, v in node.args.items() if v is not None}
            result, error = await emu.call_method(node.method, params, base_url, nested=True)
            if error is not None:
                errors.append(
                    {"method": node.method, "error_code": error.code, "error_msg": error.msg}
                )
                return False
            return result.response if isinstance(result, Envelope) else result
        if isinstance(node, list):
            return [await evaluate(item) for item in node]
        if isinstance(node, dict):
            return {key: await evaluate(item) for key, item in node.items()}
        return node

    response = await evaluate(tree)
    return Envelope(response, {"execute_errors": errors}) if errors else response
