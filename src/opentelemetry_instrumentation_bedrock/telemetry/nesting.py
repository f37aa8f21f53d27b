"""Is the span about to start nested in another instrumentation's GenAI inference span?

Frameworks such as Strands Agents (an INTERNAL ``chat``) and pydantic-ai (a CLIENT ``chat <model>``)
emit their own inference span around the Bedrock call they make, with the call's token counts. Ours then
runs inside it for the same call; the caller decides what to leave to it (docs/frameworks.md).
"""

from __future__ import annotations

from opentelemetry.trace import get_current_span

from .names import GEN_AI_OPERATION_NAME, INFERENCE_OPERATIONS


def in_inference_span() -> bool:
    """Whether the current span is a live GenAI inference span (``gen_ai.operation.name`` chat,
    text_completion or generate_content). One context lookup and one attribute read: it runs at every
    inference span start. Only SDK spans expose attributes; anything else (no span, a non-recording or
    foreign span) answers False."""
    parent = get_current_span()
    attributes = getattr(parent, "attributes", None)
    if not attributes:
        return False
    return attributes.get(GEN_AI_OPERATION_NAME) in INFERENCE_OPERATIONS and parent.is_recording()
