"""bedrock-runtime Converse and ConverseStream (``/model/{modelId}/converse``, ``/converse-stream``)."""

from __future__ import annotations

from typing import Any

from ..defaults import _TEXT
from ..eventstream import event
from ..replies import Reply
from ..routing import Call, operation, pacing


def converse_body(usage: tuple[int, int], latency_ms: int, stop_reason: str = "end_turn") -> dict[str, Any]:
    """A Converse response body."""
    inp, out = usage
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": _TEXT}]}},
        "stopReason": stop_reason,
        "usage": {"inputTokens": inp, "outputTokens": out, "totalTokens": inp + out},
        "metrics": {"latencyMs": latency_ms},
    }


def converse_stream_events(
    usage: tuple[int, int], latency_ms: int, stop_reason: str = "end_turn"
) -> list[bytes]:
    """The ConverseStream event sequence Bedrock sends for a text answer."""
    inp, out = usage
    words = _TEXT.split(" ")
    events = [event("messageStart", {"role": "assistant"})]
    for i, word in enumerate(words):
        text = word if i == 0 else " " + word
        events.append(event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": text}}))
    events.append(event("contentBlockStop", {"contentBlockIndex": 0}))
    events.append(event("messageStop", {"stopReason": stop_reason}))
    events.append(
        event(
            "metadata",
            {
                "usage": {"inputTokens": inp, "outputTokens": out, "totalTokens": inp + out},
                "metrics": {"latencyMs": latency_ms},
            },
        )
    )
    return events


@operation("converse")
def _converse(call: Call) -> Reply:
    return Reply.json(converse_body(call.usage, call.latency), usage=call.usage, delay=call.delay)


@operation("converse-stream")
def _converse_stream(call: Call) -> Reply:
    events = converse_stream_events(call.usage, call.latency)
    return Reply.stream(events, usage=call.usage, **pacing(call.delay, len(events)))
