"""The opt-in profile resolver with an aiobotocore client: its credentials object is aiobotocore's,
whose ``get_frozen_credentials`` is a coroutine. The resolver's thread must read the client's own
credentials without awaiting on the app's loop (no coroutine left never awaited, no warning into the
app) and sign the control-plane call with them, as for a botocore client."""

from __future__ import annotations

import asyncio
import gc
import warnings
from typing import Any

import pytest

aiobotocore = pytest.importorskip("aiobotocore")

from aiobotocore.config import AioConfig  # noqa: E402
from aiobotocore.session import get_session  # noqa: E402

from bedrock_emulator import Reply, converse_body  # noqa: E402
from bedrock_emulator.routes.control_inference_profiles import PROFILES  # noqa: E402
from opentelemetry_instrumentation_bedrock import BedrockInstrumentor  # noqa: E402
from opentelemetry_instrumentation_bedrock.cost.profiles import ProfileResolver  # noqa: E402
from test_inference_profiles import HAIKU_ARN, HAIKU_COST, MESSAGES, PROFILE, needs_operation  # noqa: E402


@pytest.fixture
def profiles():
    saved = dict(PROFILES)
    yield PROFILES
    PROFILES.clear()
    PROFILES.update(saved)


@needs_operation
def test_an_async_client_resolves_with_its_own_credentials(emu, telemetry, profiles):
    profiles[PROFILE] = [HAIKU_ARN]
    instrumentor = BedrockInstrumentor()
    instrumentor.instrument(**telemetry.providers(), resolve_inference_profiles=True)
    resolver = instrumentor._patch.telemetry.pricing.profiles
    assert isinstance(resolver, ProfileResolver)

    async def main() -> Any:
        config = AioConfig(retries={"total_max_attempts": 1, "mode": "standard"}, read_timeout=5)
        async with get_session().create_client(
            "bedrock-runtime", region_name="us-east-1", endpoint_url=emu.url, config=config,
            aws_access_key_id="AKIDASYNCCLIENTKEY00", aws_secret_access_key="async-secret",
        ) as client:  # fmt: skip
            for _ in range(2):
                emu.script(Reply.json(converse_body((1000, 200), 100)), model=PROFILE)
                await client.converse(modelId=PROFILE, messages=MESSAGES)
                await asyncio.get_running_loop().run_in_executor(None, resolver.wait_idle)

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            asyncio.run(main())
            gc.collect()
    finally:
        instrumentor.uninstrument()
    assert [str(w.message) for w in caught if "never awaited" in str(w.message)] == []
    control = [s for s in emu.served if s.operation == "get-inference-profile"]
    assert len(control) == 1
    assert "Credential=AKIDASYNCCLIENTKEY00/" in control[0].headers["Authorization"]
    first, second = (dict(s.attributes) for s in telemetry.spans())
    assert first["aws.bedrock.usage.unpriced_reason"] == "unresolved_profile"
    assert second["aws.bedrock.usage.cost"] == HAIKU_COST
    assert second["aws.bedrock.inference_profile.base_model"] == "anthropic.claude-3-haiku-20240307-v1:0"


def test_refreshable_async_credentials_are_read_as_they_stand():
    """A refreshable aiobotocore set: its current keys while fresh; when it needs a refresh, no
    request (refreshing would run the app's loop's coroutine on the resolver's thread)."""
    import datetime
    from types import SimpleNamespace

    from aiobotocore.credentials import AioRefreshableCredentials

    from opentelemetry_instrumentation_bedrock.cost.profiles import CannotSign, _frozen_credentials

    refreshes = []

    async def refresh() -> Any:
        refreshes.append(1)
        raise AssertionError("never refreshed here")

    def client_with(minutes: int) -> Any:
        expiry = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=minutes)
        metadata = {"access_key": "AKIDREFRESHABLE00000", "secret_key": "s", "token": "t",
                    "expiry_time": expiry.isoformat()}  # fmt: skip
        credentials = AioRefreshableCredentials.create_from_metadata(metadata, refresh, "test")
        return SimpleNamespace(meta=SimpleNamespace(config=AioConfig()), _get_credentials=lambda: credentials)

    frozen = _frozen_credentials(client_with(60))
    assert (frozen.access_key, frozen.secret_key, frozen.token) == ("AKIDREFRESHABLE00000", "s", "t")
    with pytest.raises(CannotSign):
        _frozen_credentials(client_with(1))  # inside botocore's refresh window
    assert refreshes == []
