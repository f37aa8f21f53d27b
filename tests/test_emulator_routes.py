"""The emulator's route registry: a module's path rule and handler answer real HTTP requests, the
unknown-path answers stay as they were, and an operation cannot be registered twice."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Optional

import pytest

from bedrock_emulator import NO_MODEL_OPERATIONS, Call, Reply, _route, operation, path_rule, routing


def post(url: str, body: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def frobnicate():
    """A route registered the way a new routes/ module registers one, removed afterwards."""

    def rule(parts: list[str]) -> Optional[tuple[Optional[str], str]]:
        if len(parts) == 3 and parts[1] == "frobnicate":
            return parts[2], "frobnicate"
        return None

    def handler(call: Call) -> Reply:
        return Reply.json({"id": call.model_id, "method": call.method, "inputTokens": call.usage[0]})

    path_rule(rule)
    operation("frobnicate")(handler)
    try:
        yield
    finally:
        routing._PATH_RULES.remove(rule)
        del routing._HANDLERS["frobnicate"]


def test_registered_route_answers_over_http(emu, frobnicate):
    status, body = post(f"{emu.url}/frobnicate/f-1", json.dumps({"text": "three words here"}).encode())
    assert (status, body) == (200, {"id": "f-1", "method": "POST", "inputTokens": 6})
    served = emu.served[-1]
    assert (served.model_id, served.operation, served.status) == ("f-1", "frobnicate", 200)


def test_unrouted_and_unhandled_paths_get_their_404s(emu):
    assert post(f"{emu.url}/frobnicate/f-1", b"") == (404, {"message": "no route for /frobnicate/f-1"})
    assert post(f"{emu.url}/model/m-1/frobnicate", b"") == (404, {"message": "unknown path /frobnicate"})
    assert [s.operation for s in emu.served] == [None, "frobnicate"]


def test_an_operation_registers_once():
    with pytest.raises(ValueError, match="'converse' is registered twice"):
        operation("converse")(lambda call: Reply())
    assert _route("/model/m/converse") == ("m", "converse")


def test_operations_without_an_id():
    assert {"async-invoke", "retrieve-and-generate", "retrieve-and-generate-stream", "rerank", "invoke-guardrail-checks",
            "agentic-retrieve-stream"} == NO_MODEL_OPERATIONS  # fmt: skip
