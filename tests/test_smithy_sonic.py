"""Nova Sonic sessions (InvokeModelWithBidirectionalStream) through the smithy SDK's duplex stream.

The SDK talks HTTP/2 (awscrt, TLS with a certificate made for this module) to the loopback server in
``emulator/bidi_server.py``, which decodes every signed event the client sends and answers from a
script, so the SDK's whole path runs: signing, event-stream framing both ways, its publisher and its
receiver. Skipped where the SDK is not installed (Python >= 3.12; tox -e py312-smithy runs it).
"""

from __future__ import annotations

import asyncio
import base64
import gc
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import pytest

pytest.importorskip("aws_sdk_bedrock_runtime", reason="aws-sdk-bedrock-runtime needs Python >= 3.12")
trustme = pytest.importorskip("trustme")

from bidi_server import Await, AwaitClose, BidiServer, Fail, Reject, Send, name_of, sonic  # noqa: E402
from conftest import Telemetry, instrumentation  # noqa: E402
from opentelemetry_instrumentation_bedrock import bugs  # noqa: E402
from smithy_support import SONIC, chunk, loopback_transport, make_client, payloads, sonic_input  # noqa: E402

AUDIO = base64.b64encode(bytes(range(256)) * 4).decode()  # what a span or log must never contain
SID = "sonic-session-1"


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("bidi-tls")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    paths = {name: str(folder / f"{name}.pem") for name in ("ca", "cert", "key")}
    ca.cert_pem.write_to_path(paths["ca"])
    cert.cert_chain_pems[0].write_to_path(paths["cert"])
    cert.private_key_pem.write_to_path(paths["key"])
    return paths


@pytest.fixture(scope="module")
def bidi_server(certs: dict[str, str]) -> Iterator[BidiServer]:
    with BidiServer(certs["cert"], certs["key"]) as server:
        yield server


@pytest.fixture
def bidi(bidi_server: BidiServer) -> Iterator[BidiServer]:
    bidi_server.reset()
    yield bidi_server
    bidi_server.reset()


def out(name: str, **body: Any) -> Send:
    return Send(sonic(name, sessionId=SID, promptName="p-1", completionId="c-1", **body))


def usage(delta: tuple[int, int, int, int], total: tuple[int, int, int, int]) -> Send:
    def part(v: tuple[int, int, int, int]) -> dict[str, Any]:
        return {
            "input": {"speechTokens": v[0], "textTokens": v[1]},
            "output": {"speechTokens": v[2], "textTokens": v[3]},
        }

    return out(
        "usageEvent",
        details={"delta": part(delta), "total": part(total)},
        totalInputTokens=total[0] + total[1],
        totalOutputTokens=total[2] + total[3],
        totalTokens=sum(total),
    )


def stage(name: str) -> str:
    return json.dumps({"generationStage": name})


# Three generations: a tool call (after the user's spoken question), the spoken answer (after the tool
# result), and an answer the user interrupts.
CONVERSATION = [
    Await("audioInput"),
    out("completionStart"),
    out("contentStart", contentId="u1", type="TEXT", role="USER", additionalModelFields=stage("FINAL")),
    out("textOutput", contentId="u1", role="USER", content="What's the weather in Paris?"),
    out("contentEnd", contentId="u1", type="TEXT", role="USER", stopReason="END_TURN"),
    usage((40, 0, 0, 0), (40, 0, 0, 0)),
    out(
        "contentStart",
        contentId="t1",
        type="TEXT",
        role="ASSISTANT",
        additionalModelFields=stage("SPECULATIVE"),
    ),
    out("textOutput", contentId="t1", role="ASSISTANT", content="Let me check."),
    out("contentEnd", contentId="t1", type="TEXT", role="ASSISTANT", stopReason="PARTIAL_TURN"),
    out("contentStart", contentId="k1", type="TOOL", role="TOOL"),
    out(
        "toolUse",
        contentId="k1",
        role="ASSISTANT",
        toolUseId="tool-1",
        toolName="getWeather",
        content='{"city": "Paris"}',
    ),
    out("contentEnd", contentId="k1", type="TOOL", role="ASSISTANT", stopReason="TOOL_USE"),
    usage((0, 0, 0, 5), (40, 0, 0, 5)),
    Await("toolResult"),
    Await("contentEnd"),
    usage((0, 12, 0, 0), (40, 12, 0, 5)),
    out("contentStart", contentId="a1", type="AUDIO", role="ASSISTANT"),
    out("audioOutput", contentId="a1", role="ASSISTANT", content=AUDIO),
    out("audioOutput", contentId="a1", role="ASSISTANT", content=AUDIO),
    out("contentEnd", contentId="a1", type="AUDIO", role="ASSISTANT", stopReason="PARTIAL_TURN"),
    out("contentStart", contentId="t2", type="TEXT", role="ASSISTANT", additionalModelFields=stage("FINAL")),
    out("textOutput", contentId="t2", role="ASSISTANT", content="It is sunny in Paris."),
    out("contentEnd", contentId="t2", type="TEXT", role="ASSISTANT", stopReason="END_TURN"),
    usage((0, 0, 30, 6), (40, 12, 30, 11)),
    out("contentStart", contentId="u2", type="TEXT", role="USER", additionalModelFields=stage("FINAL")),
    out("textOutput", contentId="u2", role="USER", content="And tomorrow?"),
    out("contentEnd", contentId="u2", type="TEXT", role="USER", stopReason="END_TURN"),
    usage((8, 0, 0, 0), (48, 12, 30, 11)),
    out("contentStart", contentId="a2", type="AUDIO", role="ASSISTANT"),
    out("audioOutput", contentId="a2", role="ASSISTANT", content=AUDIO),
    out("textOutput", contentId="a2", role="ASSISTANT", content='{ "interrupted" : true }'),
    out("contentEnd", contentId="a2", type="AUDIO", role="ASSISTANT", stopReason="INTERRUPTED"),
    usage((0, 0, 4, 0), (48, 12, 34, 11)),
    Await("sessionEnd"),
    AwaitClose(),
    out("completionEnd", stopReason="END_TURN"),
]


def opening() -> list[dict[str, Any]]:
    tools = {
        "tools": [
            {
                "toolSpec": {
                    "name": "getWeather",
                    "description": "Weather by city",
                    "inputSchema": {"json": "{}"},
                }
            }
        ]
    }
    return [
        sonic("sessionStart", inferenceConfiguration={"maxTokens": 1024, "topP": 0.9, "temperature": 0.7}),
        sonic(
            "promptStart",
            promptName="p-1",
            audioOutputConfiguration={"mediaType": "audio/lpcm", "voiceId": "matthew"},
            toolConfiguration=tools,
        ),
        sonic(
            "contentStart", promptName="p-1", contentName="sys", type="TEXT", role="SYSTEM", interactive=False
        ),
        sonic("textInput", promptName="p-1", contentName="sys", content="You are a friendly assistant."),
        sonic("contentEnd", promptName="p-1", contentName="sys"),
        sonic(
            "contentStart", promptName="p-1", contentName="mic", type="AUDIO", role="USER", interactive=True
        ),
        sonic("audioInput", promptName="p-1", contentName="mic", content=AUDIO),
        sonic("audioInput", promptName="p-1", contentName="mic", content=AUDIO),
    ]


def tool_result() -> list[dict[str, Any]]:
    config = {"toolUseId": "tool-1", "type": "TEXT", "textInputConfiguration": {"mediaType": "text/plain"}}
    return [
        sonic(
            "contentStart",
            promptName="p-1",
            contentName="res",
            type="TOOL",
            role="TOOL",
            interactive=False,
            toolResultInputConfiguration=config,
        ),
        sonic("toolResult", promptName="p-1", contentName="res", content='{"forecast": "sunny"}'),
        sonic("contentEnd", promptName="p-1", contentName="res"),
    ]


def closing() -> list[dict[str, Any]]:
    return [
        sonic("contentEnd", promptName="p-1", contentName="mic"),
        sonic("promptEnd", promptName="p-1"),
        sonic("sessionEnd"),
    ]


async def converse(server: BidiServer, ca: str) -> list[Any]:
    """The app: speak, answer the tool call, hang up after the barge-in; every event it received."""
    client = await make_client(server.url, transport=loopback_transport(ca))
    received: list[Any] = []
    try:
        stream = await client.invoke_model_with_bidirectional_stream(sonic_input())
        for event in opening():
            await stream.input_stream.send(chunk(event))
        _, receiver = await stream.await_output()
        async for event in receiver:
            received.append(event)
            decoded = json.loads(event.value.bytes_)
            body = decoded["event"].get("contentEnd", {})
            if name_of(decoded) == "toolUse":
                for item in tool_result():
                    await stream.input_stream.send(chunk(item))
            elif body.get("stopReason") == "INTERRUPTED":
                for item in closing():
                    await stream.input_stream.send(chunk(item))
                await stream.input_stream.close()
    finally:
        await client.close()
    return received


def by_name(telemetry: Telemetry) -> tuple[Any, list[Any]]:
    spans = telemetry.spans()
    [session] = [s for s in spans if s.name == f"aws.bedrock.realtime_session {SONIC}"]
    generations = sorted(
        (s for s in spans if s.name == f"realtime_inference {SONIC}"), key=lambda s: s.start_time
    )
    assert len(spans) == 1 + len(generations)
    return session, generations


def test_a_session_is_a_span_with_one_span_per_generation(bidi: BidiServer, certs: dict[str, str]) -> None:
    bidi.script(*CONVERSATION)
    plain = asyncio.run(converse(bidi, certs["ca"]))
    sent_plain = list(bidi.received())
    bidi.script(*CONVERSATION)
    with instrumentation() as telemetry:
        received = asyncio.run(converse(bidi, certs["ca"]))
    # The app received and sent exactly what it does uninstrumented.
    assert payloads(received) == payloads(plain)
    assert [type(e) for e in received] == [type(e) for e in plain]
    assert len(received) == 31 == sum(isinstance(step, Send) for step in CONVERSATION)
    assert bidi.received() == sent_plain
    assert len(sent_plain) == 14

    session, generations = by_name(telemetry)
    assert session.parent is None
    assert all(g.parent.span_id == session.context.span_id for g in generations)
    assert session.attributes["gen_ai.realtime_session.id"] == SID
    assert session.attributes["aws.request_id"] == "bidi-session-2"
    assert session.attributes["gen_ai.request.max_tokens"] == 1024
    assert session.attributes["server.address"] == "127.0.0.1"
    assert session.attributes["aws.bedrock.realtime.generations"] == 3
    assert session.attributes["aws.bedrock.realtime.interruptions"] == 1
    assert session.attributes["aws.bedrock.realtime.tool_calls"] == 1
    totals = {
        k.removeprefix("aws.bedrock.realtime.usage."): v
        for k, v in session.attributes.items()
        if ".usage." in k
    }
    assert totals == {
        "input_tokens": 60,
        "output_tokens": 45,
        "audio.input_tokens": 48,
        "text.input_tokens": 12,
        "audio.output_tokens": 34,
        "text.output_tokens": 11,
    }
    assert "gen_ai.operation.name" not in session.attributes
    # The session is the AWS SDK call (Application Signals names the dependency from these); the
    # generations are not.
    sdk = ("rpc.system", "rpc.service", "rpc.method", "cloud.region")
    assert [session.attributes.get(k) for k in sdk] == [
        "aws-api",
        "Bedrock Runtime",
        "InvokeModelWithBidirectionalStream",
        "us-east-1",
    ]
    assert not any(k in g.attributes for g in generations for k in sdk)
    assert session.status.status_code.name == "UNSET"

    reasons = [g.attributes["gen_ai.response.finish_reasons"] for g in generations]
    assert reasons == [("tool_call",), ("stop",), ("interrupted",)]
    usage_of = [
        tuple(
            g.attributes[f"gen_ai.usage.{k}"]
            for k in (
                "input_tokens",
                "output_tokens",
                "audio.input_tokens",
                "text.input_tokens",
                "audio.output_tokens",
                "text.output_tokens",
            )
        )
        for g in generations
    ]
    assert usage_of == [(40, 5, 40, 0, 0, 5), (12, 36, 0, 12, 30, 6), (8, 4, 8, 0, 4, 0)]
    for g in generations:
        assert g.attributes["gen_ai.operation.name"] == "realtime_inference"
        assert g.attributes["gen_ai.realtime_session.id"] == SID
        assert g.attributes["gen_ai.output.type"] == "speech"
        assert g.attributes["gen_ai.request.temperature"] == 0.7
        assert g.attributes["gen_ai.response.id"] == "c-1"
    first, answer, interrupted = generations
    assert "aws.bedrock.realtime.time_to_first_audio" not in first.attributes  # it only called a tool
    tta = answer.attributes["aws.bedrock.realtime.time_to_first_audio"]
    ttt = answer.attributes["aws.bedrock.realtime.time_to_first_text"]
    assert 0 < tta < ttt < (answer.end_time - answer.start_time) / 1e9 + tta  # from the tool result sent
    assert "aws.bedrock.realtime.time_to_first_text" not in interrupted.attributes  # the marker is no text
    # The usage counters by modality: speech as audio, per generation.
    counted = {
        (p.attributes["gen_ai.token.modality"], name.rsplit(".", 1)[-1]): p.value
        for name in (
            "gen_ai.client.inference.usage.input_tokens",
            "gen_ai.client.inference.usage.output_tokens",
        )
        for p in telemetry.points(name)
    }
    assert counted == {
        ("audio", "input_tokens"): 48,
        ("text", "input_tokens"): 12,
        ("audio", "output_tokens"): 34,
        ("text", "output_tokens"): 11,
    }
    assert [p.count for p in telemetry.points("gen_ai.client.operation.duration")] == [3]
    # No content without the switch.
    for span in (session, *generations):
        assert not any(
            k.startswith(("gen_ai.input", "gen_ai.output.messages", "gen_ai.system")) for k in span.attributes
        )
    assert bugs.counts() == {}


def test_content_capture_records_text_never_audio(bidi: BidiServer, certs: dict[str, str]) -> None:
    bidi.script(*CONVERSATION)
    with instrumentation(capture_content="SPAN_AND_EVENT") as telemetry:
        asyncio.run(converse(bidi, certs["ca"]))
    _, (first, answer, interrupted) = by_name(telemetry)

    def attr(span: Any, name: str) -> Any:
        return json.loads(span.attributes[name])

    assert attr(first, "gen_ai.system_instructions") == [
        {"type": "text", "content": "You are a friendly assistant."}
    ]
    assert attr(first, "gen_ai.tool.definitions") == [{"type": "function", "name": "getWeather"}]
    assert attr(first, "gen_ai.input.messages") == [
        {"role": "user", "parts": [{"type": "text", "content": "What's the weather in Paris?"}]}
    ]
    assert attr(first, "gen_ai.output.messages") == [
        {
            "role": "assistant",
            "parts": [
                {"type": "text", "content": "Let me check."},
                {"type": "tool_call", "id": "tool-1", "name": "getWeather", "arguments": {"city": "Paris"}},
            ],
        }
    ]
    assert attr(answer, "gen_ai.input.messages") == [
        {
            "role": "tool",
            "parts": [{"type": "tool_call_response", "id": "tool-1", "response": {"forecast": "sunny"}}],
        }
    ]
    assert attr(answer, "gen_ai.output.messages") == [
        {"role": "assistant", "parts": [{"type": "text", "content": "It is sunny in Paris."}]}
    ]
    assert attr(interrupted, "gen_ai.input.messages") == [
        {"role": "user", "parts": [{"type": "text", "content": "And tomorrow?"}]}
    ]
    assert "gen_ai.output.messages" not in interrupted.attributes
    recorded = [json.dumps(dict(s.attributes)) for s in telemetry.spans()]
    recorded += [json.dumps(dict(r.attributes), default=str) for r in telemetry.logs()]
    assert len(telemetry.logs()) == 3  # one details event per generation
    assert not any(AUDIO[:64] in text for text in recorded)


def test_an_error_response_fails_the_session_as_the_sdk_fails(
    bidi: BidiServer, certs: dict[str, str]
) -> None:
    async def attempt() -> BaseException:
        client = await make_client(bidi.url, transport=loopback_transport(certs["ca"]))
        try:
            stream = await client.invoke_model_with_bidirectional_stream(sonic_input())
            await stream.input_stream.send(chunk(opening()[0]))
            try:
                await stream.await_output()
            except Exception as exc:
                return exc
            raise AssertionError("no error")
        finally:
            await client.close()

    bidi.script(Reject(400, "ValidationException", "bad session"))
    plain = asyncio.run(attempt())
    bidi.script(Reject(400, "ValidationException", "bad session"))
    with instrumentation() as telemetry:
        error = asyncio.run(attempt())
    assert type(error) is type(plain) and type(error).__name__ == "ValidationException"
    assert str(error) == str(plain)
    session, generations = by_name(telemetry)
    assert generations == []
    assert session.status.status_code.name == "ERROR"
    assert session.attributes["error.type"] == "ValidationException"
    assert session.attributes["aws.request_id"] == "bidi-rejected-2"


def test_a_mid_stream_error_fails_the_open_generation_and_the_session(
    bidi: BidiServer, certs: dict[str, str]
) -> None:
    script = [
        Await("sessionStart"),
        out("completionStart"),
        out("contentStart", contentId="a1", type="AUDIO", role="ASSISTANT"),
        out("audioOutput", contentId="a1", role="ASSISTANT", content=AUDIO),
        Fail("modelStreamErrorException", "the model failed"),
    ]

    async def attempt() -> tuple[int, BaseException]:
        client = await make_client(bidi.url, transport=loopback_transport(certs["ca"]))
        seen = 0
        try:
            stream = await client.invoke_model_with_bidirectional_stream(sonic_input())
            await stream.input_stream.send(chunk(opening()[0]))
            _, receiver = await stream.await_output()
            try:
                async for _event in receiver:
                    seen += 1
            except Exception as exc:
                return seen, exc
            raise AssertionError("no error")
        finally:
            await client.close()

    bidi.script(*script)
    plain_seen, plain = asyncio.run(attempt())
    bidi.script(*script)
    with instrumentation() as telemetry:
        seen, error = asyncio.run(attempt())
    assert (
        (seen, type(error), str(error))
        == (plain_seen, type(plain), str(plain))
        == (3, type(plain), str(plain))
    )
    session, [generation] = by_name(telemetry)
    kind = type(error).__qualname__
    assert session.attributes["error.type"] == kind == generation.attributes["error.type"]
    assert generation.attributes["gen_ai.response.finish_reasons"] == ("error",)
    assert generation.status.status_code.name == "ERROR"
    assert session.attributes["aws.bedrock.realtime.generations"] == 1


def _waiting_script() -> list[Any]:
    return [
        Await("sessionStart"),
        out("completionStart"),
        out("contentStart", contentId="a1", type="AUDIO", role="ASSISTANT"),
        Await("sessionEnd"),
    ]


def test_cancelled_while_receiving_ends_the_session_once(bidi: BidiServer, certs: dict[str, str]) -> None:
    async def scenario() -> None:
        client = await make_client(bidi.url, transport=loopback_transport(certs["ca"]))
        try:
            stream = await client.invoke_model_with_bidirectional_stream(sonic_input())
            await stream.input_stream.send(chunk(opening()[0]))
            _, receiver = await stream.await_output()

            async def listen() -> None:
                async for _event in receiver:
                    pass

            task = asyncio.create_task(listen())
            await asyncio.sleep(0.3)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await stream.close()  # after the end: no second end
        finally:
            await client.close()

    def unraisable_during(run: Any) -> list[str]:
        # awscrt itself reports an InvalidStateError for the cancelled chunk future when the stream
        # closes (uninstrumented too): collected here, to show it is the same with us, not ours.
        seen: list[str] = []
        hook = sys.unraisablehook
        sys.unraisablehook = lambda report: seen.append(type(report.exc_value).__name__)
        try:
            run()
            gc.collect()
        finally:
            sys.unraisablehook = hook
        return seen

    bidi.script(*_waiting_script())
    plain = unraisable_during(lambda: asyncio.run(scenario()))
    bidi.script(*_waiting_script())
    with instrumentation() as telemetry:
        ours = unraisable_during(lambda: asyncio.run(scenario()))
    assert ours == plain == ["InvalidStateError"]
    session, [generation] = by_name(telemetry)
    assert session.attributes["error.type"] == "CancelledError"
    assert generation.attributes["error.type"] == "CancelledError"
    assert generation.attributes["gen_ai.response.finish_reasons"] == ("error",)


@pytest.mark.parametrize("how", ["close", "drop"])
def test_closing_or_dropping_a_session_ends_it_once(
    bidi: BidiServer, certs: dict[str, str], how: str
) -> None:
    async def scenario() -> Optional[float]:
        client = await make_client(bidi.url, transport=loopback_transport(certs["ca"]))
        try:
            stream = await client.invoke_model_with_bidirectional_stream(sonic_input())
            await stream.input_stream.send(chunk(opening()[0]))
            _, receiver = await stream.await_output()
            for _ in range(2):
                await receiver.receive()
            if how == "close":
                await stream.close()
                await stream.close()
            else:
                del stream, receiver, _
                gc.collect()
            return None
        finally:
            await client.close()

    bidi.script(*_waiting_script())
    with instrumentation() as telemetry:
        asyncio.run(scenario())
    session, [generation] = by_name(telemetry)
    assert session.status.status_code.name == "UNSET"
    assert generation.attributes["gen_ai.response.finish_reasons"] == ("error",)  # cut short
    assert session.attributes["aws.bedrock.realtime.generations"] == 1
    assert bugs.counts() == {}


def test_paths_are_bedrocks(bidi: BidiServer, certs: dict[str, str]) -> None:
    bidi.script(*CONVERSATION)
    with instrumentation():
        asyncio.run(converse(bidi, certs["ca"]))
    assert bidi.paths == ["/model/amazon.nova-sonic-v1%3A0/invoke-with-bidirectional-stream?"]
    assert Path(certs["ca"]).read_text().startswith("-----BEGIN CERTIFICATE-----")


def test_every_session_name_is_in_the_spec_or_ours_and_documented(
    bidi: BidiServer, certs: dict[str, str]
) -> None:
    from semconv_spec import METRIC_TABLE
    from test_conformance import check_attributes, collect, documented

    bidi.script(*CONVERSATION)
    with instrumentation(capture_content="SPAN_AND_EVENT") as telemetry:
        asyncio.run(converse(bidi, certs["ca"]))
    attributes, events, metrics = collect(telemetry)
    assert check_attributes(attributes, compat=False) == []
    assert events == {"gen_ai.client.inference.operation.details"}
    for name, (kind, unit) in metrics.items():
        assert METRIC_TABLE[name][:2] == (kind, unit), name
    assert set(metrics) == {
        "gen_ai.client.operation.duration",
        "gen_ai.client.inference.usage.input_tokens",
        "gen_ai.client.inference.usage.output_tokens",
    }
    assert {
        "gen_ai.realtime_session.id",
        "gen_ai.usage.audio.input_tokens",
        "aws.bedrock.realtime.interruptions",
    } <= set(attributes)
    assert documented("aws.bedrock.realtime_session {model}")


def test_a_bug_of_ours_in_a_session_changes_nothing_for_the_app(
    bidi: BidiServer, certs: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from opentelemetry_instrumentation_bedrock.operations import sonic_events

    def broken(_raw: bytes) -> Any:
        raise RuntimeError("our bug")

    bidi.script(*CONVERSATION)
    plain = asyncio.run(converse(bidi, certs["ca"]))
    bidi.script(*CONVERSATION)
    with instrumentation() as telemetry:
        monkeypatch.setattr(sonic_events, "decode", broken)
        received = asyncio.run(converse(bidi, certs["ca"]))
    assert payloads(received) == payloads(plain)
    session, generations = by_name(telemetry)
    assert generations == [] and session.status.status_code.name == "UNSET"  # ended once, at the stream's end
    assert sorted(kind[0] for kind in bugs.counts()) == [
        "failed to read a sent session event",
        "failed to read a session event",
    ]


EXIT_APP = """
import asyncio, sys
sys.path[:0] = [{tests!r}, {emulator!r}]
from conftest import Telemetry
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor
from smithy_support import chunk, loopback_transport, make_client, sonic_input
telemetry = Telemetry()
BedrockInstrumentor().instrument(**telemetry.providers())
kept = []

async def main():
    client = await make_client({url!r}, transport=loopback_transport({ca!r}))
    stream = await client.invoke_model_with_bidirectional_stream(sonic_input())
    await stream.input_stream.send(chunk({{"event": {{"sessionStart": {{}}}}}}))
    _, receiver = await stream.await_output()
    await receiver.receive()
    await receiver.receive()
    kept.append((client, stream, receiver))  # still open when the interpreter exits

import atexit
atexit.register(lambda: print(sorted(s.name for s in telemetry.spans())))  # runs after the session's hook
asyncio.run(main())
print("open at exit:", len(telemetry.spans()))
"""


def test_a_session_still_open_at_exit_ends_then(
    bidi: BidiServer, certs: dict[str, str], tmp_path: Path
) -> None:
    import subprocess

    root = Path(__file__).resolve().parents[1]
    script = tmp_path / "app.py"
    script.write_text(
        EXIT_APP.format(
            tests=str(root / "tests"), emulator=str(root / "emulator"), url=bidi.url, ca=certs["ca"]
        )
    )
    bidi.script(*_waiting_script())
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    # Printed by an exit hook registered before the session's: so it runs after the session ended.
    assert done.stdout.strip().splitlines()[0] == "open at exit: 0"
    assert done.stdout.strip().splitlines()[-1] == str(
        sorted([f"aws.bedrock.realtime_session {SONIC}", f"realtime_inference {SONIC}"])
    )
