"""One set of token counts per model call: a Converse call made inside another instrumentation's GenAI
inference span (what Strands and pydantic-ai emit around their Bedrock calls, docs/frameworks.md) leaves
``gen_ai.usage.*`` to that span by default; ``nested_usage="keep"`` records them on ours too. Metrics
are the same either way."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from opentelemetry.trace import SpanKind

from bedrock_emulator import Reply, converse_body
from conftest import Telemetry, instrumentation
from helpers import token_sums
from opentelemetry_instrumentation_bedrock.config import NESTED_USAGE_ENV, defer_nested_usage

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
USAGE_KEYS = ("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens")


def _call(emu: Any, client: Any, telemetry: Telemetry, parent_attrs: Any, **kwargs: Any) -> Any:
    """One Converse call inside a span with ``parent_attrs`` (None: no parent), from a tracer of another
    scope on the same provider; returns our span."""
    emu.script(Reply.json(converse_body((21, 5), latency_ms=417)))
    with instrumentation(telemetry, **kwargs):
        messages = [{"role": "user", "content": [{"text": "Hi"}]}]
        if parent_attrs is None:
            client.converse(modelId=MODEL, messages=messages)
        else:
            framework = telemetry.tracer_provider.get_tracer("some.framework")
            with framework.start_as_current_span("chat", kind=SpanKind.INTERNAL, attributes=parent_attrs):
                client.converse(modelId=MODEL, messages=messages)
    ours = [
        s
        for s in telemetry.spans()
        if s.instrumentation_scope.name == "opentelemetry_instrumentation_bedrock"
    ]
    assert len(ours) == 1
    return ours[0]


@pytest.mark.parametrize("operation", ["chat", "text_completion", "generate_content"])
def test_inside_an_inference_span_usage_is_left_to_it(emu: Any, client: Any, operation: str) -> None:
    telemetry = Telemetry()
    span = _call(emu, client, telemetry, {"gen_ai.operation.name": operation})
    attrs = dict(span.attributes or {})
    assert [k for k in attrs if k.startswith("gen_ai.usage.")] == []
    assert attrs["aws.bedrock.usage.cost"] == pytest.approx(21 * 0.25e-6 + 5 * 1.25e-6)  # ours alone has cost
    assert attrs["gen_ai.response.finish_reasons"] == ("stop",)
    assert token_sums(telemetry) == {"input": 21, "output": 5}  # metrics once, as ever


@pytest.mark.parametrize(
    "parent",
    [
        None,
        {"gen_ai.operation.name": "invoke_agent"},
        {"gen_ai.operation.name": "execute_tool"},
        {"other": "x"},
    ],
)
def test_elsewhere_usage_stays_on_ours(emu: Any, client: Any, parent: Any) -> None:
    telemetry = Telemetry()
    span = _call(emu, client, telemetry, parent)
    assert {k: span.attributes[k] for k in USAGE_KEYS} == {USAGE_KEYS[0]: 21, USAGE_KEYS[1]: 5}
    assert token_sums(telemetry) == {"input": 21, "output": 5}


def test_keep_records_usage_inside_an_inference_span(emu: Any, client: Any) -> None:
    telemetry = Telemetry()
    span = _call(emu, client, telemetry, {"gen_ai.operation.name": "chat"}, nested_usage="keep")
    assert {k: span.attributes[k] for k in USAGE_KEYS} == {USAGE_KEYS[0]: 21, USAGE_KEYS[1]: 5}
    assert token_sums(telemetry) == {"input": 21, "output": 5}


def test_a_finished_parent_is_not_an_enclosing_call(emu: Any, client: Any) -> None:
    """A span that already ended (left current by mistake) reports nothing more: ours keeps usage."""
    from opentelemetry import context, trace

    telemetry = Telemetry()
    emu.script(Reply.json(converse_body((21, 5), latency_ms=417)))
    with instrumentation(telemetry):
        framework = telemetry.tracer_provider.get_tracer("some.framework")
        parent = framework.start_span("chat", attributes={"gen_ai.operation.name": "chat"})
        parent.end()
        token = context.attach(trace.set_span_in_context(parent))
        try:
            client.converse(modelId=MODEL, messages=[{"role": "user", "content": [{"text": "Hi"}]}])
        finally:
            context.detach(token)
    ours = [s for s in telemetry.spans() if s.name.startswith("chat ")]
    assert ours[0].attributes["gen_ai.usage.input_tokens"] == 21


@pytest.mark.parametrize(
    ("keyword", "env", "defer"),
    [
        (None, None, True),
        ("keep", None, False),
        ("KEEP", None, False),
        (None, "keep", False),
        ("defer", "keep", True),  # the keyword wins
        (None, " Defer ", True),
    ],
)
def test_switch(keyword: Any, env: Any, defer: bool) -> None:
    kwargs = {} if keyword is None else {"nested_usage": keyword}
    environ = {} if env is None else {NESTED_USAGE_ENV: env}
    assert defer_nested_usage(kwargs, environ) is defer


def test_unknown_value_warns_and_defers(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="opentelemetry_instrumentation_bedrock"):
        assert defer_nested_usage({}, {NESTED_USAGE_ENV: "both"}) is True
    assert [r.getMessage() for r in caplog.records] == [
        f"bedrock instrumentation: ignoring {NESTED_USAGE_ENV}='both'; expected defer or keep"
    ]


def test_env_read_once_at_instrument(emu: Any, client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NESTED_USAGE_ENV, "keep")
    telemetry = Telemetry()
    emu.script(Reply.json(converse_body((21, 5), latency_ms=417)))
    with instrumentation(telemetry):
        monkeypatch.setenv(NESTED_USAGE_ENV, "defer")  # too late: read at instrument()
        framework = telemetry.tracer_provider.get_tracer("some.framework")
        with framework.start_as_current_span("chat", attributes={"gen_ai.operation.name": "chat"}):
            client.converse(modelId=MODEL, messages=[{"role": "user", "content": [{"text": "Hi"}]}])
    ours = [s for s in telemetry.spans() if s.name.startswith("chat ")]
    assert ours[0].attributes["gen_ai.usage.input_tokens"] == 21
