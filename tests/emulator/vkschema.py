"""Validate emulator output against VK's published JSON Schema (../shared/vk-api-schema).

VK's schema marks required properties draft-03 style (`"required": true` inside the property);
the validator below enforces that, on top of draft-07.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, validators
from jsonschema.exceptions import ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT7


def _find_schema() -> Path:
    """`<repo>/../shared/vk-api-schema`; a git worktree may sit a level deeper, so walk up."""
    repo = Path(__file__).resolve().parents[2]
    for parent in (repo, *repo.parents):
        candidate = parent / ".." / "shared" / "vk-api-schema"
        if candidate.is_dir():
            return candidate
    return repo / ".." / "shared" / "vk-api-schema"


SCHEMA_DIR = _find_schema()
BASE = "https://vk-api-schema.local/"


def _properties(validator: Any, properties: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for name, subschema in properties.items():
        if name in instance:
            yield from validator.descend(instance[name], subschema, path=name, schema_path=name)
        elif isinstance(subschema, dict) and subschema.get("required") is True:
            yield ValidationError(f"{name!r} is a required property")


def _required(validator: Any, required: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if isinstance(required, bool):  # handled by _properties from the parent's side
        return
    yield from Draft7Validator.VALIDATORS["required"](validator, required, instance, schema)


VKValidator = validators.extend(Draft7Validator, {"properties": _properties, "required": _required})


@cache
def _registry() -> Registry:
    resources = []
    for path in SCHEMA_DIR.rglob("*.json"):
        uri = BASE + path.relative_to(SCHEMA_DIR).as_posix()
        resources.append((uri, DRAFT7.create_resource(json.loads(path.read_text()))))
    return Registry().with_resources(resources)


@cache
def _validator(ref: str) -> Any:
    return VKValidator({"$ref": BASE + ref}, registry=_registry())


@cache
def _response_refs(method: str) -> tuple[str, ...]:
    section = method.split(".")[0]
    methods = json.loads((SCHEMA_DIR / section / "methods.json").read_text())["methods"]
    for entry in methods:
        if entry["name"] == method:
            # "../messages/responses.json#/..." relative to the section directory
            return tuple(
                response["$ref"].removeprefix("../")
                for key, response in entry["responses"].items()
                if key != "extendedResponse"
            )
    raise KeyError(f"{method} is not in VK's schema")


@cache
def _error_validator() -> Any:
    # `inner_type` is the schema's code-generation tag; VK does not send it in errors.
    error = copy.deepcopy(
        json.loads((SCHEMA_DIR / "base" / "objects.json").read_text())["definitions"]["base_error"]
    )
    del error["properties"]["inner_type"]
    error["properties"]["request_params"]["items"] = {
        "$ref": BASE + "base/objects.json#/definitions/base_request_param"
    }
    return VKValidator(error, registry=_registry())


def _messages(errors: Iterator[ValidationError]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


def response_problems(method: str, body: dict[str, Any]) -> list[str]:
    """Why `body` (a whole `/method/<name>` answer) does not match VK's schema; [] if it does."""
    if "error" in body:
        return _messages(_error_validator().iter_errors(body["error"]))
    if method == "execute":
        # execute's response is whatever the code returns; the schema leaves it undefined.
        problems = [] if "response" in body else ["no response"]
        for item in body.get("execute_errors", []):
            if set(item) != {"method", "error_code", "error_msg"}:
                problems.append(f"bad execute_errors item {item}")
        return problems
    attempts = [_messages(_validator(ref).iter_errors(body)) for ref in _response_refs(method)]
    return [] if any(not found for found in attempts) else min(attempts, key=len)


def object_problems(ref: str, value: Any) -> list[str]:
    """Check one object against a definition, e.g. "callback/objects.json#/definitions/x"."""
    return _messages(_validator(ref).iter_errors(value))
