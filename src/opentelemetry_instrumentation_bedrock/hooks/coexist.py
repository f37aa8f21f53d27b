"""One GenAI span per Bedrock call when other Bedrock instrumentations are installed too.

``opentelemetry-instrumentation-botocore`` (in the standard distro bootstrap) and
``opentelemetry-instrumentation-genai-bedrock`` both wrap ``BaseClient._make_api_call`` and make their own
span for Bedrock calls. While ours is instrumented, both are told that bedrock-runtime and
bedrock-agent-runtime calls are not theirs, whichever was instrumented first:

- botocore instrumentation: its extension table maps both services to an extension whose
  ``should_trace_service_call()`` is False, so it passes those calls straight through (its spans for
  every other AWS service are unaffected);
- genai-bedrock: the service names it compares against are replaced, so it passes those calls through.

Both read these at call time, so the order of ``instrument()`` calls does not matter. ``uninstrument()``
puts everything back. Each step is guarded: a version of those packages laid out differently is left
alone (and then both spans appear, as they would without this module).
"""

from __future__ import annotations

import logging
from typing import Any, Callable

_log = logging.getLogger(__name__)

SERVICES = ("bedrock-runtime", "bedrock-agent-runtime", "bedrock-agentcore")
_DISABLED = " (left to opentelemetry-instrumentation-aws-bedrock)"


def quiet_other_instrumentations() -> Callable[[], None]:
    """Make the other Bedrock instrumentations pass bedrock-runtime calls through; returns the undo."""
    undo: list[Callable[[], None]] = []
    for step in (_quiet_botocore_instrumentation, _quiet_genai_bedrock):
        try:
            restore = step()
        except Exception:
            _log.debug("bedrock instrumentation: could not coordinate with %s", step.__name__, exc_info=True)
            continue
        if restore is not None:
            undo.append(restore)

    def restore_all() -> None:
        for restore in reversed(undo):
            try:
                restore()
            except Exception:
                _log.debug(
                    "bedrock instrumentation: could not restore another instrumentation", exc_info=True
                )

    return restore_all


def _quiet_botocore_instrumentation() -> Any:
    try:
        from opentelemetry.instrumentation.botocore import extensions
        from opentelemetry.instrumentation.botocore.extensions.types import _AwsSdkExtension
    except ImportError:
        return None
    table = getattr(extensions, "_BOTOCORE_EXTENSIONS", None)
    if not isinstance(table, dict):
        return None

    class LeftToBedrockInstrumentation(_AwsSdkExtension):  # type: ignore[misc]
        """bedrock-runtime calls are traced by opentelemetry-instrumentation-aws-bedrock."""

        def should_trace_service_call(self) -> bool:
            return False

    previous = {service: table.get(service) for service in SERVICES}
    for service in SERVICES:
        table[service] = lambda: LeftToBedrockInstrumentation

    def restore() -> None:
        for service, loader in previous.items():
            if loader is None:
                table.pop(service, None)
            else:
                table[service] = loader

    return restore


def _quiet_genai_bedrock() -> Any:
    try:
        from opentelemetry.instrumentation.genai.bedrock import patch as genai_patch
    except ImportError:
        return None
    names = {"BEDROCK_RUNTIME": "bedrock-runtime", "BEDROCK_AGENT_RUNTIME": "bedrock-agent-runtime"}
    changed = {}
    for name, service in names.items():
        if getattr(genai_patch, name, None) == service:
            setattr(genai_patch, name, service + _DISABLED)
            changed[name] = service
    if not changed:
        return None

    def restore() -> None:
        for name, service in changed.items():
            setattr(genai_patch, name, service)

    return restore
