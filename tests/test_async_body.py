"""aiobotocore's InvokeModel body (2.x and 3.x): what the app awaits is what it awaits uninstrumented.

The async counterpart of test_body_fidelity.py: the same exchange uninstrumented then instrumented,
compared; the call returns at the headers (``asyncio.wait_for`` on the call alone is not charged for
the body); a cancelled read ends the span as ``CancelledError``; stubs come back as the same object.
"""

from __future__ import annotations

import asyncio
import gc
from typing import Any, Callable

import pytest

aiobotocore = pytest.importorskip("aiobotocore")

from aiobotocore.response import StreamingBody  # noqa: E402
from aiobotocore.session import get_session  # noqa: E402
from aiobotocore.stub import AioStubber  # noqa: E402
from opentelemetry.trace import StatusCode  # noqa: E402

from bedrock_emulator import Reply  # noqa: E402
from conftest import Telemetry, instrumentation  # noqa: E402
from helpers import attrs, only_point  # noqa: E402
from test_async import run  # noqa: E402
from test_body_fidelity import HEADERS, HEADERS_LOWER, MODEL, RAW, body_figures, header_figures_only  # noqa: E402

Use = Callable[[Any], Any]


async def invoke(client: Any) -> Any:
    return await client.invoke_model(modelId=MODEL, body=b'{"max_tokens": 3}')


async def outcome(use: Use, client: Any) -> Any:
    """What the app saw: ("ok", value) or ("raised", class name, message)."""
    try:
        return ("ok", await use(await invoke(client)))
    except Exception as exc:
        return ("raised", type(exc).__name__, str(exc))


def both(emu: Any, reply: Reply, use: Use) -> tuple[Any, Any, Telemetry]:
    emu.script(reply)
    plain = run(emu, lambda client: outcome(use, client))
    with instrumentation() as telemetry:
        emu.script(reply)
        traced = run(emu, lambda client: outcome(use, client))
        gc.collect()
    return plain, traced, telemetry


async def read_all(result: Any) -> Any:
    return await result["body"].read()


async def read_64k(result: Any) -> Any:
    parts = []
    while chunk := await result["body"].read(65536):
        parts.append(chunk)
    return b"".join(parts)


async def read_lines(result: Any) -> Any:
    return await result["body"].readlines()


async def iter_chunks(result: Any) -> Any:
    return [len(c) async for c in result["body"].iter_chunks(100)]


async def read_into(result: Any) -> Any:
    buffer = bytearray(len(RAW) + 10)
    count = await result["body"].readinto(buffer)
    return count, bytes(buffer[:count]), await result["body"].readinto(bytearray(10))


async def read_then_tell(result: Any) -> Any:
    body = result["body"]
    return await body.read(10), body.tell(), await body.read()


READS = [read_all, read_64k, read_lines, iter_chunks, read_then_tell]
if hasattr(StreamingBody, "readinto"):
    READS.append(read_into)


@pytest.mark.parametrize("use", READS)
def test_reading_gives_the_same_and_the_span_the_body_figures(emu, use):
    plain, traced, telemetry = both(emu, Reply(headers=dict(HEADERS), body=RAW), use)
    assert traced == plain
    assert plain[0] == "ok"
    body_figures(telemetry)


async def read_after_close(result: Any) -> Any:
    body = result["body"]
    body.close()
    return await body.read()


async def async_with(result: Any) -> Any:
    body = result["body"]
    async with body as entered:
        return "self" if entered is body else type(entered).__name__, await entered.read(5)


async def raw_stream(result: Any) -> Any:
    raw = result["body"].raw_stream
    return raw.status, raw.headers["content-length"]


async def socket_timeout(result: Any) -> Any:
    return result["body"].set_socket_timeout(5)


@pytest.mark.parametrize("use", [read_after_close, async_with, raw_stream, socket_timeout])
def test_close_and_the_raw_stream_behave_the_same(emu, use):
    plain, traced, telemetry = both(emu, Reply(headers=dict(HEADERS), body=RAW), use)
    assert traced == plain
    header_figures_only(telemetry)


@pytest.mark.parametrize("fault", ["reset_after", "close_after"])
def test_a_short_body_raises_what_aiobotocore_raises(emu, fault):
    plain, traced, telemetry = both(emu, Reply(headers=dict(HEADERS), body=RAW, **{fault: 40}), read_all)
    assert plain[0] == "raised"
    assert traced[:2] == plain[:2]
    span = telemetry.span()
    assert span.status.status_code is StatusCode.ERROR
    assert attrs(span)["error.type"] == plain[1]
    assert attrs(span)["gen_ai.usage.input_tokens"] == 11


def test_wait_for_on_the_call_is_not_charged_for_the_body(emu):
    async def use(client: Any) -> Any:
        result = await asyncio.wait_for(invoke(client), 0.5)
        return await result["body"].read()

    reply = Reply(headers=dict(HEADERS), body=RAW, body_delay=1.5)
    emu.script(reply)
    assert run(emu, use) == RAW
    with instrumentation() as telemetry:
        emu.script(reply)
        assert run(emu, use) == RAW
    assert attrs(telemetry.span())["gen_ai.response.id"] == "msg_01body"


def test_a_cancelled_read_ends_the_span_as_cancelled_and_propagates(emu):
    async def use(client: Any) -> Any:
        result = await invoke(client)
        reader = asyncio.ensure_future(result["body"].read())
        await asyncio.sleep(0.2)
        reader.cancel()
        try:
            await reader
        except asyncio.CancelledError:
            return "cancelled"
        return "read"

    with instrumentation() as telemetry:
        emu.script(Reply(headers=dict(HEADERS), body=RAW, body_delay=1.0))
        assert run(emu, use) == "cancelled"
        gc.collect()
    span = telemetry.span()
    assert span.status.status_code is StatusCode.ERROR
    assert attrs(span)["error.type"] == "CancelledError"
    assert (
        only_point(telemetry, "gen_ai.client.inference.duration").attributes["error.type"] == "CancelledError"
    )


def test_an_unread_body_ends_the_span_when_dropped(emu):
    async def use(client: Any) -> Any:
        await invoke(client)
        gc.collect()

    with instrumentation() as telemetry:
        emu.script(Reply(headers=dict(HEADERS), body=RAW))
        run(emu, use)
    header_figures_only(telemetry)


class AsyncFake:
    """A hand-written async fake body."""

    async def read(self, amt: Any = None) -> bytes:
        return RAW


def test_an_aio_stubbed_body_comes_back_as_the_very_same_object():
    body = AsyncFake()

    async def call() -> Any:
        async with get_session().create_client("bedrock-runtime", region_name="us-east-1") as client:
            with AioStubber(client) as stubber:
                stubber.add_response(
                    "invoke_model",
                    {
                        "body": body,
                        "contentType": "application/json",
                        "ResponseMetadata": {"HTTPHeaders": HEADERS_LOWER},
                    },
                    {"modelId": MODEL, "body": b"{}"},
                )
                result = await client.invoke_model(modelId=MODEL, body=b"{}")
                return result["body"], await result["body"].read()

    assert asyncio.run(call()) == (body, RAW)
    with instrumentation() as telemetry:
        returned, data = asyncio.run(call())
    assert returned is body
    assert data == RAW
    header_figures_only(telemetry)


def test_the_body_is_aiobotocores_class(emu):
    async def use(client: Any) -> Any:
        result = await invoke(client)
        return isinstance(result["body"], StreamingBody), await result["body"].read()

    with instrumentation():
        emu.script(Reply(headers=dict(HEADERS), body=RAW))
        assert run(emu, use) == (True, RAW)


def test_dropping_a_copy_of_the_body_does_not_end_the_call(emu):
    import copy

    async def use(client: Any) -> Any:
        body = (await invoke(client))["body"]
        try:
            twin = copy.copy(body)
        except NotImplementedError:  # aiobotocore 2.x: wrapt refuses to copy its proxy, ours as theirs
            pytest.skip("aiobotocore 2.x bodies cannot be copied")
        del twin
        gc.collect()
        assert telemetry.spans() == []  # the app's body is still open
        return await body.read()

    with instrumentation() as telemetry:
        emu.script(Reply(headers=dict(HEADERS), body=RAW))
        assert run(emu, use) == RAW
    body_figures(telemetry)


def test_copying_the_body_behaves_as_uninstrumented(emu):
    import copy

    async def copy_then_read(result: Any) -> Any:
        body = result["body"]
        twin = copy.copy(body)
        return await twin.read(5), await body.read(5), twin.tell(), body.tell()

    plain, traced, telemetry = both(emu, Reply(headers=dict(HEADERS), body=RAW), copy_then_read)
    assert traced == plain
    assert len(telemetry.spans()) == 1
