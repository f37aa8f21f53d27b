"""Nova Sonic's own turn shape: what the assistant says is one generation, however many blocks carry it.

A spoken answer arrives as Nova Sonic sends it (AWS's output-events guide): a SPECULATIVE text preview,
the AUDIO block, which ends with END_TURN (or INTERRUPTED on a barge-in), and after it the FINAL text of
what was actually spoken, whose block ends the turn again. All three are one assistant turn: one
``realtime_inference`` span, with the turn's usage, its time to first audio and to first text, one
interruption at most. And a generation cut short by the session's abandonment ends within its session.
Skipped where the SDK is not installed (tox -e py312-smithy runs it).
"""

from __future__ import annotations

import asyncio
import gc
import json
from collections.abc import Iterator

import pytest

pytest.importorskip("aws_sdk_bedrock_runtime", reason="aws-sdk-bedrock-runtime needs Python >= 3.12")
trustme = pytest.importorskip("trustme")

from bidi_server import Await, AwaitClose, BidiServer, Send  # noqa: E402
from conftest import instrumentation  # noqa: E402
from opentelemetry_instrumentation_bedrock import bugs  # noqa: E402
from smithy_support import chunk, loopback_transport, make_client, sonic_input  # noqa: E402
from test_smithy_sonic import AUDIO, by_name, closing, opening, out, stage, usage  # noqa: E402


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("bidi-tls-turns")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    paths = {name: str(folder / f"{name}.pem") for name in ("ca", "cert", "key")}
    ca.cert_pem.write_to_path(paths["ca"])
    cert.cert_chain_pems[0].write_to_path(paths["cert"])
    cert.private_key_pem.write_to_path(paths["key"])
    return paths


@pytest.fixture
def bidi(certs: dict[str, str]) -> Iterator[BidiServer]:
    with BidiServer(certs["cert"], certs["key"]) as server:
        yield server


def spoken_turn(tag: str, text: str, audio_stop: str, final_stop: str) -> list[Send]:
    """One spoken answer as Nova Sonic sends it: preview text, audio, then the spoken text."""
    return [
        out(
            "contentStart",
            contentId=f"s{tag}",
            type="TEXT",
            role="ASSISTANT",
            additionalModelFields=stage("SPECULATIVE"),
        ),
        out("textOutput", contentId=f"s{tag}", role="ASSISTANT", content=text),
        out("contentEnd", contentId=f"s{tag}", type="TEXT", role="ASSISTANT", stopReason="PARTIAL_TURN"),
        out("contentStart", contentId=f"a{tag}", type="AUDIO", role="ASSISTANT"),
        out("audioOutput", contentId=f"a{tag}", role="ASSISTANT", content=AUDIO),
        out("audioOutput", contentId=f"a{tag}", role="ASSISTANT", content=AUDIO),
        out("contentEnd", contentId=f"a{tag}", type="AUDIO", role="ASSISTANT", stopReason=audio_stop),
        out(
            "contentStart",
            contentId=f"f{tag}",
            type="TEXT",
            role="ASSISTANT",
            additionalModelFields=stage("FINAL"),
        ),
        out("textOutput", contentId=f"f{tag}", role="ASSISTANT", content=text),
        out("contentEnd", contentId=f"f{tag}", type="TEXT", role="ASSISTANT", stopReason=final_stop),
    ]


def user_turn(tag: str, text: str) -> list[Send]:
    return [
        out(
            "contentStart",
            contentId=f"u{tag}",
            type="TEXT",
            role="USER",
            additionalModelFields=stage("FINAL"),
        ),
        out("textOutput", contentId=f"u{tag}", role="USER", content=text),
        out("contentEnd", contentId=f"u{tag}", type="TEXT", role="USER", stopReason="END_TURN"),
    ]


SCRIPT = [
    Await("audioInput"),
    out("completionStart"),
    *user_turn("1", "Hello?"),
    usage((20, 0, 0, 0), (20, 0, 0, 0)),
    *spoken_turn("1", "Hi there.", "END_TURN", "END_TURN"),
    usage((0, 0, 25, 4), (20, 0, 25, 4)),
    *user_turn("2", "Tell me a story."),
    usage((10, 0, 0, 0), (30, 0, 25, 4)),
    # The user barges in: the audio block ends, then the text of what was spoken says INTERRUPTED.
    *spoken_turn("2", "Once upon a time", "END_TURN", "INTERRUPTED"),
    usage((0, 0, 7, 3), (30, 0, 32, 7)),
    Await("sessionEnd"),
    AwaitClose(),
    out("completionEnd", stopReason="END_TURN"),
]


async def talk(server: BidiServer, ca: str) -> int:
    client = await make_client(server.url, transport=loopback_transport(ca))
    seen = 0
    try:
        stream = await client.invoke_model_with_bidirectional_stream(sonic_input())
        for event in opening():
            await stream.input_stream.send(chunk(event))
        _, receiver = await stream.await_output()
        async for event in receiver:
            seen += 1
            body = json.loads(event.value.bytes_)["event"].get("contentEnd", {})
            if body.get("stopReason") == "INTERRUPTED":
                for item in closing():
                    await stream.input_stream.send(chunk(item))
                await stream.input_stream.close()
    finally:
        await client.close()
    return seen


def test_a_spoken_answer_is_one_generation_with_its_usage(bidi: BidiServer, certs: dict[str, str]) -> None:
    bidi.script(*SCRIPT)
    with instrumentation() as telemetry:
        seen = asyncio.run(talk(bidi, certs["ca"]))
    assert seen == sum(isinstance(step, Send) for step in SCRIPT) == 32
    session, generations = by_name(telemetry)
    assert session.attributes["aws.bedrock.realtime.generations"] == 2
    assert session.attributes["aws.bedrock.realtime.interruptions"] == 1
    assert [g.attributes["gen_ai.response.finish_reasons"] for g in generations] == [
        ("stop",),
        ("interrupted",),
    ]
    assert [
        (g.attributes["gen_ai.usage.input_tokens"], g.attributes["gen_ai.usage.output_tokens"])
        for g in generations
    ] == [(20, 29), (10, 10)]
    for g in generations:  # the preview text comes before the audio; both in the one generation
        ttt = g.attributes["aws.bedrock.realtime.time_to_first_text"]
        tta = g.attributes["aws.bedrock.realtime.time_to_first_audio"]
        assert 0 < ttt < tta
    # Each generation ends when its spoken text ends, after its audio: it spans the whole turn.
    assert all(g.end_time > g.start_time for g in generations)
    assert generations[0].end_time < generations[1].start_time
    assert bugs.counts() == {}


def test_the_spoken_text_is_the_generations_output(bidi: BidiServer, certs: dict[str, str]) -> None:
    bidi.script(*SCRIPT)
    with instrumentation(capture_content="SPAN_ONLY") as telemetry:
        asyncio.run(talk(bidi, certs["ca"]))
    _, generations = by_name(telemetry)
    outputs = [json.loads(g.attributes["gen_ai.output.messages"]) for g in generations]
    assert outputs == [
        [{"role": "assistant", "parts": [{"type": "text", "content": "Hi there."}]}],
        [{"role": "assistant", "parts": [{"type": "text", "content": "Once upon a time"}]}],
    ]
    inputs = [json.loads(g.attributes["gen_ai.input.messages"]) for g in generations]
    assert inputs == [
        [{"role": "user", "parts": [{"type": "text", "content": "Hello?"}]}],
        [{"role": "user", "parts": [{"type": "text", "content": "Tell me a story."}]}],
    ]


def test_an_interrupted_answer_stays_interrupted_when_the_user_speaks_next(
    bidi: BidiServer, certs: dict[str, str]
) -> None:
    script = [
        Await("audioInput"),
        out("completionStart"),
        *user_turn("1", "Tell me a story."),
        *spoken_turn("1", "Once upon a time", "INTERRUPTED", "INTERRUPTED")[:7],  # preview and audio
        out("textOutput", contentId="a1", role="ASSISTANT", content='{ "interrupted" : true }'),
        *user_turn("2", "Stop."),
        Await("sessionEnd"),
        AwaitClose(),
    ]
    bidi.script(*script)
    with instrumentation() as telemetry:
        asyncio.run(talk(bidi, certs["ca"]))
    session, [generation] = by_name(telemetry)
    assert generation.attributes["gen_ai.response.finish_reasons"] == ("interrupted",)
    assert session.attributes["aws.bedrock.realtime.interruptions"] == 1
    assert session.attributes["aws.bedrock.realtime.generations"] == 1


@pytest.mark.parametrize("how", ["drop", "exit"])
def test_a_generation_cut_short_by_abandonment_ends_within_its_session(
    bidi: BidiServer, certs: dict[str, str], how: str
) -> None:
    """Dropped (or still open at exit), the session ends where its last event arrived: its open
    generation ends there too, not after its parent."""
    from opentelemetry_instrumentation_bedrock.wire import sonic as sonic_module

    async def scenario() -> None:
        client = await make_client(bidi.url, transport=loopback_transport(certs["ca"]))
        try:
            stream = await client.invoke_model_with_bidirectional_stream(sonic_input())
            await stream.input_stream.send(chunk(opening()[0]))
            _, receiver = await stream.await_output()
            for _ in range(3):
                await receiver.receive()
            await asyncio.sleep(0.2)  # nothing arrives: the session's last event was 0.2 s ago
            if how == "exit":
                sonic_module._end_open_sessions()  # what the exit hook runs
            else:
                del stream, receiver, _
                gc.collect()
        finally:
            await client.close()

    bidi.script(
        Await("sessionStart"),
        out("completionStart"),
        out("contentStart", contentId="a1", type="AUDIO", role="ASSISTANT"),
        out("audioOutput", contentId="a1", role="ASSISTANT", content=AUDIO),
        Await("sessionEnd"),
    )
    with instrumentation() as telemetry:
        asyncio.run(scenario())
    session, [generation] = by_name(telemetry)
    assert generation.attributes["gen_ai.response.finish_reasons"] == ("error",)
    assert session.start_time <= generation.start_time <= generation.end_time <= session.end_time
