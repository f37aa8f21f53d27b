"""OpenTelemetry instrumentation for Amazon Bedrock through botocore.

Usage::

    from opentelemetry_instrumentation_bedrock import BedrockInstrumentor

    BedrockInstrumentor().instrument()  # global tracer and meter providers
    # or: BedrockInstrumentor().instrument(tracer_provider=tp, meter_provider=mp)

Every ``Converse``, ``ConverseStream``, ``InvokeModel`` and ``InvokeModelWithResponseStream`` call then
produces one CLIENT span with the latest GenAI semantic convention attributes, and points on
``gen_ai.client.inference.duration``, the ``gen_ai.client.inference.usage.*`` token counters and
per-operation token histograms, ``gen_ai.server.request.duration`` and, for streams, the
time-to-first-chunk and per-chunk histograms. ``semconv_compat="v1.41"`` (or
``OTEL_INSTRUMENTATION_BEDROCK_SEMCONV_COMPAT=v1.41``) also emits the v1.41.0 names. See
docs/reference.md for every attribute and metric.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Collection
from typing import Any, Callable, Optional

from opentelemetry.instrumentation.instrumentor import BaseInstrumentor  # type: ignore[attr-defined]

from .config import (
    CaptureConfig,
    chunk_metrics_enabled,
    defer_nested_usage,
    observable_sums_enabled,
    profile_resolution,
    propagation_enabled,
    semconv_compat,
)
from .cost.pricing import Pricing
from .hooks.botocore import Patch
from .hooks.coexist import quiet_other_instrumentations
from .hooks.post_import import PostImportHook
from .hooks.retries import unhook_all
from .package import _instruments
from .telemetry.instruments import Telemetry
from .version import __version__
from .wire.streaming import register_process_hooks

__all__ = ["BedrockInstrumentor", "__version__"]

_log = logging.getLogger(__name__)
_async_warned = False  # the aiobotocore hook failed and said so (once per process)


def _version_of(name: str) -> str:
    module = sys.modules.get(name)
    return str(getattr(module, "__version__", "(unknown version)"))


class BedrockInstrumentor(BaseInstrumentor):  # type: ignore[misc]
    """Instruments Amazon Bedrock runtime calls made through botocore (and so boto3)."""

    _patch: Optional[Patch] = None
    _async_patch: Optional[Any] = None
    _async_hook: Optional[PostImportHook] = None
    _smithy_patch: Optional[Any] = None
    _smithy_hook: Optional[PostImportHook] = None
    _restore_others: Optional[Callable[[], None]] = None

    def instrumentation_dependencies(self) -> Collection[str]:
        return _instruments

    def _instrument(self, **kwargs: Any) -> None:
        from botocore.client import BaseClient

        profile_ttl = profile_resolution(kwargs)
        profiles = None
        if profile_ttl is not None:
            from .cost.profiles import ProfileResolver

            profiles = ProfileResolver(profile_ttl)
        telemetry = Telemetry.create(
            kwargs.get("tracer_provider"),
            kwargs.get("meter_provider"),
            kwargs.get("logger_provider"),
            CaptureConfig.load(kwargs),
            Pricing.load(kwargs.get("prices"), profiles=profiles),
            semconv_compat(kwargs),
            chunk_metrics=chunk_metrics_enabled(kwargs),
            observable_sums=observable_sums_enabled(kwargs),
        )
        telemetry.defer_nested_usage = defer_nested_usage(kwargs)
        telemetry.agentcore_propagation = propagation_enabled(kwargs)
        patch = Patch(BaseClient._make_api_call, telemetry)
        BaseClient._make_api_call = patch.wrapper
        self._patch = patch
        register_process_hooks()
        self._restore_others = quiet_other_instrumentations()
        # aiobotocore is optional, and importing it (with aiohttp) costs ~100 ms: it is patched when the
        # app imports it, or now if it already has.
        self._async_hook = PostImportHook("aiobotocore.client", lambda _module: self._hook_async(telemetry))
        self._async_hook.start()
        # The smithy-based SDK (aws-sdk-bedrock-runtime, Python >= 3.12): likewise, once the app imports it.
        self._smithy_hook = PostImportHook(
            "aws_sdk_bedrock_runtime.client", lambda _module: self._hook_smithy(telemetry)
        )
        self._smithy_hook.start()

    def _hook_smithy(self, telemetry: Telemetry) -> None:
        try:
            from .hooks import smithy

            self._smithy_patch = smithy.instrument(telemetry)
        except Exception:
            _log.warning(
                "bedrock instrumentation: could not instrument aws-sdk-bedrock-runtime %s; its calls are not traced",
                _version_of("aws_sdk_bedrock_runtime"),
                exc_info=True,
            )

    def _hook_async(self, telemetry: Telemetry) -> None:
        global _async_warned
        try:
            from .hooks import aiobotocore as aio

            self._async_patch = aio.instrument(telemetry)
        except Exception:
            if not _async_warned:  # once per process: a version we do not know fails the same way each time
                _async_warned = True
                _log.warning(
                    "bedrock instrumentation: could not instrument aiobotocore %s; its calls are not traced",
                    _version_of("aiobotocore"),
                    exc_info=True,
                )

    def _uninstrument(self, **kwargs: Any) -> None:
        from botocore.client import BaseClient

        if self._restore_others is not None:
            self._restore_others()
            self._restore_others = None
        if self._async_hook is not None:
            self._async_hook.cancel()
            self._async_hook = None
        if self._smithy_hook is not None:
            self._smithy_hook.cancel()
            self._smithy_hook = None
        if self._smithy_patch is not None:
            from .hooks import smithy

            smithy.uninstrument(self._smithy_patch)
            self._smithy_patch = None
        if self._async_patch is not None:
            from .hooks import aiobotocore as aio

            aio.uninstrument(self._async_patch)
            self._async_patch = None
        patch = self._patch
        if patch is None:
            return
        patch.active = False
        profiles = patch.telemetry.pricing.profiles
        if profiles is not None:
            profiles.close()
        unhook_all()  # our retry handlers leave every client they were added to
        if BaseClient.__dict__.get("_make_api_call") is patch.wrapper:
            BaseClient._make_api_call = patch.original
        else:
            # Someone wrapped our wrapper; removing it would drop theirs. It now only passes through.
            _log.debug("bedrock instrumentation: _make_api_call was re-wrapped; leaving a pass-through")
        self._patch = None
