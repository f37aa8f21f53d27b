"""Fuzzing with Hypothesis: random and mutated bodies for every model family, random event sequences for
the stream handlers, random model ids and ARNs.

Two kinds of property. Pure: every family's parsers keep their contract (never raise, report only
valid attribute values, and a chunk the quick path recognises is one the full reader agrees about).
End to end through botocore and the emulator: whatever the bytes, the user gets exactly what the
uninstrumented call gives (same bytes, same events, same exception type and message), and the call
has one span, ended once, and one duration point.

The example budget is small and derandomized by default (CI, reproducible); ``BEDROCK_FUZZ_EXAMPLES``
raises it and draws fresh random examples (``tox -e fuzz``).
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any, Callable

import pytest

hypothesis = pytest.importorskip("hypothesis")

from botocore.exceptions import ClientError  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from bedrock_emulator import (  # noqa: E402
    Reply,
    chunk_event,
    event,
    exception_event,
    invoke_body,
    invoke_stream_chunks,
)
from conftest import Telemetry, instrumentation  # noqa: E402
from opentelemetry_instrumentation_bedrock import bugs  # noqa: E402
from opentelemetry_instrumentation_bedrock.models import FAMILIES, GENERIC, family_for_id  # noqa: E402
from opentelemetry_instrumentation_bedrock.telemetry.facts import ResponseFacts  # noqa: E402
from opentelemetry_instrumentation_bedrock.wire.model_id import base_model_id  # noqa: E402

BUDGET = int(os.environ.get("BEDROCK_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=BUDGET,
    deadline=None,
    # The small default budget (CI) is derandomized, so a run is reproducible; a set budget explores.
    derandomize="BEDROCK_FUZZ_EXAMPLES" not in os.environ,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
INT64 = 2**63

# One real model id per family, so mutated bodies start from what that family really returns.
MODEL_IDS = [
    "anthropic.claude-3-haiku-20240307-v1:0",
    "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
    "amazon.nova-micro-v1:0",
    "amazon.titan-text-express-v1",
    "amazon.titan-embed-text-v2:0",
    "cohere.command-r-v1:0",
    "cohere.command-text-v14",
    "cohere.embed-english-v3",
    "meta.llama3-8b-instruct-v1:0",
    "mistral.mistral-7b-instruct-v0:2",
    "mistral.mistral-large-2407-v1:0",
    "ai21.jamba-1-5-mini-v1:0",
    "ai21.j2-mid-v1",
    "deepseek.r1-v1:0",
    "openai.gpt-oss-20b-1:0",
    "qwen.qwen3-32b-v1:0",
]
ARNS = [
    "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123",
    "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/xyz",
    "arn:aws:bedrock:us-east-1:123456789012:imported-model/imp1",
    "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
    "arn:aws:sagemaker:us-west-2:123456789012:endpoint/my-endpoint",
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0",
]
# Field names the parsers look for: random dictionaries drawn from these reach real code paths.
KEYS = [
    "usage", "input_tokens", "output_tokens", "inputTokens", "outputTokens", "totalTokens",
    "cache_read_input_tokens", "cache_creation_input_tokens", "cacheReadInputTokens", "stop_reason",
    "stopReason", "finish_reason", "completion_reason", "choices", "content", "message", "messages",
    "delta", "type", "text", "id", "model", "results", "outputs", "generation", "generations",
    "amazon-bedrock-invocationMetrics", "inputTokenCount", "outputTokenCount", "invocationLatency",
    "firstByteLatency", "prompt_token_count", "generation_token_count", "meta", "billed_units",
    "amazon-bedrock-guardrailAction", "embedding", "embeddings", "inputTextTokenCount", "output",
    "contentBlockDelta", "toolUse", "reasoningContent", "max_tokens", "temperature", "top_p", "top_k",
    "stop_sequences", "inferenceConfig", "textGenerationConfig", "maxTokens", "anthropic_version",
    "prompt", "inputText", "tools", "system", "role", "index", "finishReason", "metrics", "latencyMs",
    "event_type", "generation_id", "response_id", "is_finished", "contentBlockIndex", "start", "stop",
    "tool_calls", "function", "arguments", "name", "reasoning_content", "content_block", "partial_json",
    "thinking", "signature", "toolUseId", "input", "outputText", "completionReason", "chunk", "bytes",
]  # fmt: skip

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
)
keys = st.sampled_from(KEYS) | st.text(max_size=8)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=6),
    max_leaves=24,
)
json_objects = st.dictionaries(keys, json_values, max_size=8)


@st.composite
def mutated(draw: Any, value: Any, depth: int = 0) -> Any:
    """The value with random edits: a leaf replaced by any JSON value, a key dropped or added."""
    if isinstance(value, dict) and value and depth < 6:
        out = dict(value)
        key = draw(st.sampled_from(sorted(out)))
        action = draw(st.sampled_from(["recurse", "recurse", "replace", "drop", "add"]))
        if action == "recurse":
            out[key] = draw(mutated(out[key], depth + 1))
        elif action == "replace":
            out[key] = draw(json_values)
        elif action == "drop":
            del out[key]
        else:
            out[draw(keys)] = draw(json_values)
        return out
    if isinstance(value, list) and value and depth < 6:
        out_list = list(value)
        index = draw(st.integers(0, len(out_list) - 1))
        out_list[index] = draw(mutated(out_list[index], depth + 1))
        return out_list
    return draw(json_values) if draw(st.booleans()) else value


@st.composite
def response_bodies(draw: Any) -> tuple[str, Any]:
    """(model id, parsed body): a real family's body, mutated, or an arbitrary JSON object."""
    model = draw(st.sampled_from(MODEL_IDS))
    request = {"messages": [{"role": "user", "content": "hi"}]}
    real = draw(
        st.sampled_from(
            [invoke_body(model, request, (7, 3)), *invoke_stream_chunks(model, (5, 4), 100, request)]
        )
    )
    body = draw(st.one_of(mutated(real), mutated(real).flatmap(mutated), json_objects))
    if not isinstance(body, dict):  # parsers are only ever handed JSON objects (the callers check)
        body = {draw(keys): body}
    return model, body


model_ids = (
    st.sampled_from(MODEL_IDS + ARNS)
    | st.sampled_from(["us.", "eu.", "apac.", "global.", "us-gov."]).flatmap(
        lambda prefix: st.sampled_from(MODEL_IDS).map(lambda m: prefix + m)
    )
    | st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.-:/", min_size=1, max_size=60)
)


def valid_attribute(value: Any) -> bool:
    if isinstance(value, (bool, str)):
        return True
    if isinstance(value, int):
        return -INT64 <= value < INT64
    if isinstance(value, float):
        return True
    if isinstance(value, (tuple, list)):
        kinds = {type(v) for v in value}
        return len(kinds) <= 1 and all(valid_attribute(v) for v in value)
    return False


def learned(facts: ResponseFacts) -> dict[str, Any]:
    return {name: getattr(facts, name) for name in ResponseFacts.__slots__ if getattr(facts, name)}


# ----------------------------------------------------------------------------- pure properties


@FUZZ
@given(response_bodies(), st.sampled_from([*FAMILIES, GENERIC]))
def test_family_parsers_never_raise_and_report_valid_values(sample, family):
    _model, body = sample
    attrs: dict[str, Any] = {}
    assert isinstance(family.operation(body), str)
    family.parse_request(body, attrs)
    assert all(valid_attribute(v) for v in attrs.values()), attrs
    if family.parse_response is not None:
        facts = ResponseFacts()
        family.parse_response(body, facts)
        for name in ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"):
            value = getattr(facts, name)
            assert value is None or (type(value) is int and 0 <= value < INT64), (name, value)
        assert facts.finish_reasons is None or all(isinstance(r, str) for r in facts.finish_reasons)
    if family.read_chunk is not None:
        assert family.read_chunk(body, ResponseFacts()) in (True, False)


@FUZZ
@given(response_bodies(), st.sampled_from([f for f in FAMILIES if f.quick_chunk is not None]))
def test_quick_chunk_path_agrees_with_the_full_reader(sample, family):
    """When the byte-level quick path says "pure output, nothing else to learn", the full reader must
    agree: output True, and no fact learned."""
    _model, body = sample
    for raw in (json.dumps(body).encode(), json.dumps(body, separators=(",", ":")).encode()):
        if family.quick_chunk(raw):
            facts = ResponseFacts()
            assert family.read_chunk(json.loads(raw), facts) is True
            assert learned(facts) == {}


@FUZZ
@given(model_ids)
def test_model_ids_never_break_family_lookup(model_id):
    assert isinstance(base_model_id(model_id), str)
    family = family_for_id(model_id)
    assert family is None or family in FAMILIES


# ----------------------------------------------------------------------------- end to end


def outcome(run: Callable[[], Any]) -> tuple[Any, Any]:
    """What the user saw: the value, or the exception's type and message."""
    try:
        return run(), None
    except Exception as exc:
        code = exc.response.get("Error", {}).get("Code") if isinstance(exc, ClientError) else None
        return None, (type(exc).__name__, str(exc), code)


def compare(
    emu: Any, reply: Callable[[], Reply], run: Callable[[], Any], capture: str
) -> tuple[Telemetry, tuple[Any, Any]]:
    bugs.reset()  # per example, so a failure is reported against the example that caused it
    emu.script(reply())
    plain = outcome(run)
    with instrumentation(capture_content=capture) as telemetry:
        emu.script(reply())
        traced = outcome(run)
    assert traced == plain
    assert bugs.counts() == {}  # and none of our code raised, even where a guard would have caught it
    (span,) = telemetry.spans()
    assert span.end_time is not None
    # One duration point: inference duration, or operation duration for embeddings.
    durations = [
        m
        for m in telemetry.metrics().values()
        if m.name.endswith(("inference.duration", "operation.duration"))
    ]
    assert [p.count for m in durations for p in m.data.data_points] == [1]
    if plain[1] is not None:
        assert span.attributes["error.type"] in (plain[1][2], plain[1][0])
    return telemetry, traced


captures = st.sampled_from(["NO_CONTENT", "SPAN_AND_EVENT"])
raw_bodies = st.one_of(
    response_bodies().map(lambda s: json.dumps(s[1]).encode()),
    st.binary(max_size=64),
    st.sampled_from([b"", b"null", b"[]", b"{", b"\xff\xfe", b'"text"', b"1e999", b'{"usage": NaN}']),
)


@FUZZ
@given(model=model_ids, body=raw_bodies, request_body=raw_bodies, capture=captures)
def test_invoke_model_user_gets_the_same_bytes(emu, client, model, body, request_body, capture):
    def run() -> tuple[bytes, bytes]:
        result = client.invoke_model(modelId=model, body=request_body)
        return result["body"].read(), emu.served[-1].body

    reply = lambda: Reply(headers={"Content-Type": "application/json"}, body=body)  # noqa: E731
    telemetry, (value, error) = compare(emu, reply, run, capture)
    if error is None:  # botocore accepted the call: the bytes both ways are exactly the originals
        assert value == (body, request_body)
    assert telemetry.spans()[0].attributes["gen_ai.request.model"] == model
    emu.reset()


converse_event_names = st.sampled_from(
    ["messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"]
)
converse_events = st.lists(
    st.tuples(converse_event_names, json_objects).map(lambda e: event(e[0], e[1])), max_size=8
)
stream_exceptions = st.none() | st.sampled_from(
    ["modelStreamErrorException", "throttlingException", "validationException", "internalServerException",
     "serviceUnavailableException"]
)  # fmt: skip


def consume(stream: Any) -> list[Any]:
    """The events the user saw, then the exception's type and message if the stream raised."""
    seen: list[Any] = []
    try:
        for item in stream:
            seen.append(item)
    except Exception as exc:
        return [seen, type(exc).__name__, str(exc)]
    return [seen]


@FUZZ
@given(events=converse_events, failure=stream_exceptions, capture=captures)
def test_converse_stream_random_events(emu, client, events, failure, capture):
    sent = events + ([exception_event(failure, "boom")] if failure else [])

    def run() -> list[Any]:
        response = client.converse_stream(
            modelId="anthropic.claude-3-haiku-20240307-v1:0",
            messages=[{"role": "user", "content": [{"text": "hi"}]}],
        )
        return consume(response["stream"])

    compare(emu, lambda: Reply.stream(sent), run, capture)
    emu.reset()


@st.composite
def invoke_chunks(draw: Any) -> tuple[str, list[bytes]]:
    """A family's real chunk sequence, some chunks mutated, some replaced by junk payloads."""
    model = draw(st.sampled_from(MODEL_IDS))
    real = invoke_stream_chunks(model, (5, 4), 100, {"messages": [{"role": "user", "content": "hi"}]})
    out: list[bytes] = []
    for chunk in real[: draw(st.integers(0, len(real)))]:
        choice = draw(st.sampled_from(["keep", "keep", "mutate", "junk"]))
        if choice == "keep":
            out.append(chunk_event(chunk))
        elif choice == "mutate":
            out.append(chunk_event(draw(mutated(chunk))))
        else:
            raw = draw(st.binary(max_size=24))
            out.append(event("chunk", {"bytes": base64.b64encode(raw).decode()}))
    return model, out


@FUZZ
@given(sample=invoke_chunks(), failure=stream_exceptions, capture=captures)
def test_invoke_stream_random_chunks(emu, client, sample, failure, capture):
    model, events = sample
    sent = events + ([exception_event(failure, "boom")] if failure else [])

    def run() -> list[Any]:
        body = json.dumps({"messages": [{"role": "user", "content": "hi"}], "max_tokens": 5})
        return consume(client.invoke_model_with_response_stream(modelId=model, body=body)["body"])

    compare(emu, lambda: Reply.stream(sent), run, capture)
    emu.reset()
