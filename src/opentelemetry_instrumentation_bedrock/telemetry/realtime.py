"""One generation of a realtime session (a ``realtime_inference`` span): what it learned, emitted once.

The session observer (``wire/sonic.py``) decides when a generation starts and ends and feeds it; this
turns it into a ``Call`` (span attributes, content through the one recording path, the duration) and
the usage counters by modality.
"""

from __future__ import annotations

from typing import Any, Optional

from opentelemetry.trace import Span, SpanKind, set_span_in_context
from opentelemetry.util.types import AttributeValue

from ..bugs import guard
from ..content import parts
from ..content.parts import Message, Part
from . import names as sc
from .call import Call
from .facts import ResponseFacts
from .finish_reasons import normalize
from .instruments import Telemetry


def finish_reason(stop_reason: Any) -> Optional[str]:
    """Nova Sonic's stop reasons: END_TURN -> stop, TOOL_USE -> tool_call, INTERRUPTED -> interrupted
    (the provider's interruption reason, as the realtime conventions ask)."""
    if not isinstance(stop_reason, str) or not stop_reason:
        return None
    return normalize(stop_reason.lower())


class Generation:
    """One assistant turn in progress."""

    __slots__ = (
        "anchor",
        "call",
        "first_audio",
        "first_text",
        "inputs",
        "reason",
        "telemetry",
        "texts",
        "tools",
        "usage",
        "usage_seen",
    )

    def __init__(
        self, telemetry: Telemetry, call: Call, anchor: float, usage: list[int], inputs: list[Message]
    ) -> None:
        self.telemetry = telemetry
        self.call = call
        self.anchor = anchor  # perf_counter at the end of the user's turn: times to first audio and text
        self.usage = usage  # speech in, text in, speech out, text out
        self.usage_seen = False
        self.inputs = inputs  # content capture only
        self.first_audio: Optional[float] = None
        self.first_text: Optional[float] = None
        self.reason: Optional[str] = None
        self.texts: dict[str, list[str]] = {}  # generation stage -> pieces (content capture only)
        self.tools: list[Part] = []  # content capture only

    @classmethod
    def start(
        cls,
        telemetry: Telemetry,
        session: Span,
        attrs: dict[str, AttributeValue],
        common: dict[str, AttributeValue],
        model: Optional[str],
        anchor: float,
        usage: list[int],
        usage_seen: bool,
        inputs: list[Message],
    ) -> Generation:
        """Its span, a child of the session's, with the request attributes known now."""
        name = f"{sc.OP_REALTIME_INFERENCE} {model}" if model else sc.OP_REALTIME_INFERENCE
        span = telemetry.tracer.start_span(
            name, context=set_span_in_context(session), kind=SpanKind.CLIENT, attributes=attrs
        )
        call = Call(telemetry, span, sc.OP_REALTIME_INFERENCE, dict(common))
        if telemetry.content is not None:
            call.request_attrs = attrs
        gen = cls(telemetry, call, anchor, usage, inputs)
        gen.usage_seen = usage_seen
        return gen

    def facts(self, response_id: Optional[str], capture: bool) -> ResponseFacts:
        facts = ResponseFacts()
        facts.response_id = response_id
        extra: dict[str, Any] = {}
        if self.usage_seen:
            speech_in, text_in, speech_out, text_out = self.usage
            facts.input_tokens = speech_in + text_in
            facts.output_tokens = speech_out + text_out
            extra[sc.GEN_AI_USAGE_AUDIO_INPUT_TOKENS] = speech_in
            extra[sc.GEN_AI_USAGE_TEXT_INPUT_TOKENS] = text_in
            extra[sc.GEN_AI_USAGE_AUDIO_OUTPUT_TOKENS] = speech_out
            extra[sc.GEN_AI_USAGE_TEXT_OUTPUT_TOKENS] = text_out
        if self.first_audio is not None:
            extra[sc.AWS_BEDROCK_REALTIME_TIME_TO_FIRST_AUDIO] = self.first_audio
        if self.first_text is not None:
            extra[sc.AWS_BEDROCK_REALTIME_TIME_TO_FIRST_TEXT] = self.first_text
        facts.extra_attributes = extra
        if capture:
            text = self.texts.get("FINAL") or self.texts.get("SPECULATIVE") or []
            output: list[Optional[Part]] = [parts.text("".join(text))] if text else []
            output.extend(self.tools)
            if output:
                facts.output_messages = [parts.message("assistant", output)]
        return facts

    def end(
        self,
        reason: Optional[str],
        exc: Optional[BaseException],
        end_at: Optional[float],
        response_id: Optional[str],
        capture: bool,
    ) -> None:
        """The single end: finish reason ``error`` when none was reported (cut short or failed)."""
        facts = self.facts(response_id, capture)
        facts.finish_reasons = (reason if reason is not None else sc.FINISH_ERROR,)
        if exc is not None:
            guard(self.call.fail, exc, facts)
        else:
            guard(self.call.finish, facts, None, end_at)
        if self.usage_seen:
            guard(self._count_tokens)

    def _count_tokens(self) -> None:
        """The usage counters by modality (speech is ``audio``), which Bedrock reports for Nova Sonic."""
        telemetry = self.telemetry
        attrs = self.call.metric_attrs
        context = set_span_in_context(self.call.span)
        speech_in, text_in, speech_out, text_out = self.usage
        for counter, modality, value in (
            (telemetry.usage_input, sc.MODALITY_AUDIO, speech_in),
            (telemetry.usage_input, sc.MODALITY_TEXT, text_in),
            (telemetry.usage_output, sc.MODALITY_AUDIO, speech_out),
            (telemetry.usage_output, sc.MODALITY_TEXT, text_out),
        ):
            if value:
                counter.add(value, {**attrs, sc.GEN_AI_TOKEN_MODALITY: modality}, context)
