"""aiobotocore is hooked when the app imports it, not by ``instrument()``: a process that never imports
it pays nothing for it (aiohttp included). The module the app gets is the one it would get
uninstrumented (same loader); its calls are traced; ``uninstrument()`` removes the hook. A failure to
hook it is one WARNING per process. Fresh interpreters, since this test process imported aiobotocore."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from typing import Any

import pytest

pytest.importorskip("aiobotocore")

from bedrock_emulator import Reply, converse_body
from conftest import ROOT

CHILD = r"""
import asyncio, json, sys
sys.path.insert(0, {emulator!r})
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
instrumentor = BedrockInstrumentor()
if {instrument}:
    instrumentor.instrument(tracer_provider=provider)
def ours(cls):
    return "opentelemetry_instrumentation_bedrock" in cls.__dict__["_make_api_call"].__code__.co_filename

out = {{"after_instrument": sorted(m for m in ("aiobotocore", "aiohttp") if m in sys.modules)}}
import aiobotocore.client
from aiobotocore.session import get_session
module = sys.modules["aiobotocore.client"]
out["loader"] = type(module.__loader__).__name__
out["spec_loader"] = type(module.__spec__.loader).__name__
out["patched"] = ours(aiobotocore.client.AioBaseClient)

async def main():
    async with get_session().create_client("bedrock-runtime", region_name="us-east-1",
                                           endpoint_url={url!r}) as client:
        result = await client.converse(modelId="m", messages=[{{"role": "user", "content": [{{"text": "hi"}}]}}])
        return result["usage"]["inputTokens"]

out["input_tokens"] = asyncio.run(main())
out["spans"] = [(s.name, s.attributes.get("gen_ai.usage.input_tokens")) for s in exporter.get_finished_spans()]
if {instrument}:
    instrumentor.uninstrument()
out["restored"] = not ours(aiobotocore.client.AioBaseClient)
out["finders"] = [type(f).__name__ for f in sys.meta_path if type(f).__module__.startswith("opentelemetry_instr")]
print(json.dumps(out))
"""


def child(emu: Any, instrument: bool) -> dict[str, Any]:
    code = CHILD.format(emulator=str(ROOT / "emulator"), url=emu.url, instrument=instrument)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_hooked_on_import_like_uninstrumented(emu):
    emu.script(Reply.json(converse_body((12, 3), 100)))
    plain = child(emu, instrument=False)
    emu.script(Reply.json(converse_body((12, 3), 100)))
    traced = child(emu, instrument=True)
    assert plain["after_instrument"] == traced["after_instrument"] == []  # instrument() imported neither
    assert (traced["loader"], traced["spec_loader"]) == (plain["loader"], plain["spec_loader"])
    assert traced["loader"] == "SourceFileLoader"
    assert (plain["patched"], traced["patched"]) == (False, True)
    assert plain["input_tokens"] == traced["input_tokens"] == 12
    assert plain["spans"] == []
    assert traced["spans"] == [["chat m", 12]]
    assert traced["restored"] is True and traced["finders"] == []


def ours(cls: Any) -> bool:
    return "opentelemetry_instrumentation_bedrock" in cls.__dict__["_make_api_call"].__code__.co_filename


def test_already_imported_is_hooked_at_once(telemetry):
    import aiobotocore.client

    from conftest import instrumentation

    with instrumentation(telemetry):
        assert ours(aiobotocore.client.AioBaseClient)
        # The aiobotocore hook fired at once and left; other SDKs' hooks (the smithy SDK's) may wait.
        waiting = [getattr(f, "name", None) for f in sys.meta_path if type(f).__name__ == "PostImportHook"]
        assert "aiobotocore.client" not in waiting
    assert not ours(aiobotocore.client.AioBaseClient)


def test_a_failure_to_hook_is_one_warning(telemetry, monkeypatch, caplog):
    import opentelemetry_instrumentation_bedrock as package
    from conftest import instrumentation
    from opentelemetry_instrumentation_bedrock.hooks import aiobotocore as aio

    def incompatible(*_args: Any) -> Any:
        raise ImportError("cannot import name 'AioEventStream' from 'aiobotocore.eventstream'")

    monkeypatch.setattr(aio, "instrument", incompatible)
    monkeypatch.setattr(package, "_async_warned", False)
    caplog.set_level(logging.DEBUG, logger="opentelemetry_instrumentation_bedrock")
    for _ in range(3):
        with instrumentation(telemetry):
            pass
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "could not instrument aiobotocore" in warnings[0].getMessage()
    assert "AioEventStream" in caplog.text  # the traceback says what failed
