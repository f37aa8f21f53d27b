"""The nested-usage rule (docs/frameworks.md) holds for the smithy-based SDK too: a Converse call made
through aws-sdk-bedrock-runtime inside another instrumentation's GenAI inference span leaves
``gen_ai.usage.*`` to that span by default, as the same call through botocore does.

Skipped where the SDK is not installed (it needs Python >= 3.12); tox -e py312-smithy runs it.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("aws_sdk_bedrock_runtime", reason="aws-sdk-bedrock-runtime needs Python >= 3.12")

from opentelemetry.trace import SpanKind

from conftest import Telemetry, instrumentation
from helpers import token_sums
from smithy_support import converse_input, make_client, run

USAGE_KEYS = ("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens")


def _ours(emu: Any, parent_attrs: Any, **kwargs: Any) -> tuple[Any, Telemetry]:
    telemetry = Telemetry()

    async def call() -> Any:
        c = await make_client(emu.url)
        try:
            framework = telemetry.tracer_provider.get_tracer("some.framework")
            with framework.start_as_current_span("chat", kind=SpanKind.INTERNAL, attributes=parent_attrs):
                return await c.converse(converse_input())
        finally:
            await c.close()

    with instrumentation(telemetry, **kwargs):
        run(call)
    ours = [
        s
        for s in telemetry.spans()
        if s.instrumentation_scope.name == "opentelemetry_instrumentation_bedrock"
    ]
    assert len(ours) == 1
    return ours[0], telemetry


def test_inside_an_inference_span_usage_is_left_to_it(emu: Any) -> None:
    span, telemetry = _ours(emu, {"gen_ai.operation.name": "chat"})
    assert emu.served[0].usage == (10, 9)
    assert [k for k in span.attributes if k.startswith("gen_ai.usage.")] == []
    assert span.attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert token_sums(telemetry) == {"input": 10, "output": 9}  # metrics once, as ever


def test_keep_and_other_parents_record_usage(emu: Any) -> None:
    for parent, kwargs in (({"gen_ai.operation.name": "chat"}, {"nested_usage": "keep"}),
                           ({"gen_ai.operation.name": "invoke_agent"}, {})):  # fmt: skip
        span, telemetry = _ours(emu, parent, **kwargs)
        assert {k: span.attributes[k] for k in USAGE_KEYS} == {USAGE_KEYS[0]: 10, USAGE_KEYS[1]: 9}
        assert token_sums(telemetry) == {"input": 10, "output": 9}
