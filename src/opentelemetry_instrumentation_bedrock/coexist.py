"""One GenAI span per Bedrock call when other Bedrock instrumentations are installed too.

``opentelemetry-instrumentation-botocore`` (in the standard distro bootstrap) and
``opentelemetry-instrumentation-genai-bedrock`` both wrap ``BaseClient._make_api_call`` and make their own
span for bedrock-runtime calls. While ours is instrumented, both are told that bedrock-runtime calls are
not theirs, whichever was instrumented first:

- botocore instrumentation: its extension table maps ``bedrock-runtime`` to an extension whose
  ``should_trace_service_call()`` is False, so it passes those calls straight through (its spans for
  every other AWS service are unaffected);
- genai-bedrock: the service name it compares against is replaced, so it passes bedrock-runtime calls
  through (its agent-runtime spans are unaffected: we do not instrument that service).

Both read these at call time, so the order of ``instrument()`` calls does not matter. ``uninstrument()``
puts everything back. Each step is guarded: a version of those packages laid out differently is left
alone (and then both spans appear, as they would without this module).
"""

from __future__ import annotations

import logging
from typing import Any, Callable

_log = logging.getLogger(__name__)

SERVICE = "bedrock-runtime"
_DISABLED = "bedrock-runtime (left to opentelemetry-instrumentation-aws-bedrock)"


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
    if not isinstance(table, dict) or SERVICE not in table:
        return None

    class LeftToBedrockInstrumentation(_AwsSdkExtension):  # type: ignore[misc]
        """bedrock-runtime calls are traced by opentelemetry-instrumentation-aws-bedrock."""

        def should_trace_service_call(self) -> bool:
            return False

    previous = table[SERVICE]
    table[SERVICE] = lambda: LeftToBedrockInstrumentation

    def restore() -> None:
        table[SERVICE] = previous

    return restore


def _quiet_genai_bedrock() -> Any:
    try:
        from opentelemetry.instrumentation.genai.bedrock import patch as genai_patch
    except ImportError:
        return None
    previous = getattr(genai_patch, "BEDROCK_RUNTIME", None)
    if previous != SERVICE:
        return None
    genai_patch.BEDROCK_RUNTIME = _DISABLED

    def restore() -> None:
        genai_patch.BEDROCK_RUNTIME = previous

    return restore
