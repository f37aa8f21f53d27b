"""One Nova Sonic session (InvokeModelWithBidirectionalStream): a session span, a span per generation.

The proxies (``smithy_streams.py``) show this observer every event the user sends and receives. The
session span lasts as long as the stream; each server-side generation (the assistant's turn) is a
``realtime_inference`` child span, as the GenAI realtime conventions define it:

- it starts at the first assistant event after the user's turn (``contentStart``, ``textOutput``,
  ``audioOutput`` or ``toolUse`` with role ASSISTANT) and ends at the assistant's ``contentEnd`` whose
  stop reason ends the turn (END_TURN, INTERRUPTED: the user barged in; TOOL_USE, whose content has
  role TOOL), at
  ``completionEnd``, or with the session (then finish reason ``error``: it was cut short). Nova Sonic
  ends a spoken answer's AUDIO block with END_TURN (or INTERRUPTED) and then sends the FINAL text of
  what was spoken, whose block ends the turn again: assistant content after a turn's end, before the
  user's next turn (a USER block from the server, a text or tool result the client finished sending),
  is the same turn going on, and the span ends at its last end (INTERRUPTED, once seen, stays);
- its usage is the sum of the ``usageEvent`` deltas that arrived since the previous generation ended
  (the user's speech is billed as it streams in, before the answer starts), up to and including the
  first ``usageEvent`` after each end of its turn (Bedrock reports a turn's output after the turn);
  later deltas go to the next generation. Usage is split
  into speech (``gen_ai.usage.audio.*``) and text (``gen_ai.usage.text.*``);
- time to first audio and first text are measured from the end of the user's turn as the client sees
  it (the server's end of the user transcript, or a text or tool result the client finished sending),
  else from the generation's start.

Audio is never decoded, kept or recorded. Text (transcripts, the assistant's text, tool arguments and
results, system prompt, tool definitions) is assembled only with content capture on, and recorded
through the one recording path (``Call`` -> ``ContentRecorder``).
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Mapping
from threading import Lock
from time import perf_counter, time_ns
from typing import Any, Optional
from weakref import WeakSet

from opentelemetry.trace import Span, Status, StatusCode
from opentelemetry.util.types import AttributeValue

from ..bugs import report
from ..config import CaptureConfig
from ..content import converse_shape, parts
from ..content.parts import Message, Part
from ..content.request import RequestContent
from ..operations import sonic_events as ev
from ..telemetry import names as sc
from ..telemetry.facts import as_str
from ..telemetry.instruments import Telemetry
from ..telemetry.realtime import Generation, finish_reason

_open: WeakSet[SonicSession] = WeakSet()
_INTERRUPTED = finish_reason(ev.INTERRUPTED)
_hooks_registered = False


def _end_time_of(span: Any, latest: Optional[int]) -> Optional[int]:
    """The later of ``latest`` and the span's end time (an SDK span's; None where it has none)."""
    end = getattr(span, "end_time", None)
    if not isinstance(end, int):
        return latest
    return end if latest is None or end > latest else latest


def _end_open_sessions() -> None:
    for session in list(_open):
        session.abandon()


def _forget_open_sessions() -> None:
    for session in list(_open):
        session.disown()
    _open.clear()


def _register_process_hooks() -> None:
    global _hooks_registered
    if not _hooks_registered:
        _hooks_registered = True
        atexit.register(_end_open_sessions)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=_forget_open_sessions)


class SonicSession:
    """Per-session state; every public method is safe to call at any time and never raises."""

    def __init__(
        self, telemetry: Telemetry, span: Span, common: dict[str, AttributeValue], model: Optional[str]
    ) -> None:
        self.telemetry = telemetry
        self.span = span
        self.model = model
        self.capture: Optional[CaptureConfig] = telemetry.content.config if telemetry.content else None
        self.request_id: Optional[str] = None
        self._common = {**common, sc.GEN_AI_OPERATION_NAME: sc.OP_REALTIME_INFERENCE}
        self._request: dict[str, AttributeValue] = {}
        self._ended = Lock()
        self._holders: list[None] = []
        self._started = perf_counter()
        self._last_event = self._started
        self._session_id: Optional[str] = None
        self._response_id: Optional[str] = None
        self._anchor: Optional[float] = None
        self._pending = [0, 0, 0, 0]
        self._total: Optional[tuple[int, int, int, int]] = None
        self._gen: Optional[Generation] = None
        self._done: Optional[tuple[Generation, float]] = None  # a turn that ended (and when): may go on
        self._usage_due = False  # the next usageEvent is the ended turn's
        self._child_end: Optional[int] = None  # the latest end time (ns) of a generation span
        self._pending_seen = False
        self._generations = 0
        self._interruptions = 0
        self._tool_calls = 0
        self._first_audio: Optional[float] = None
        self._first_text: Optional[float] = None
        self._inputs: dict[str, tuple[str, str, Optional[str]]] = {}  # contentName -> type, role, tool id
        self._outputs: dict[str, tuple[str, str, Optional[str]]] = {}  # contentId -> type, role, stage
        # Content capture only:
        self._system: list[Part] = []
        self._tools: Optional[list[dict[str, Any]]] = None
        self._messages: list[Message] = []
        self._transcripts: dict[str, Message] = {}
        _open.add(self)
        _register_process_hooks()

    # ------------------------------------------------------------------ proxies

    def hold(self) -> None:
        self._holders.append(None)

    def release(self) -> None:
        if self._holders:
            self._holders.pop()
        if not self._holders:
            self.abandon()

    def on_sent(self, event: Any) -> None:
        """One event the user sent (after the SDK wrote it)."""
        if self._ended.locked():
            return
        try:
            raw = ev.chunk_bytes(event)
            decoded = ev.decode(raw) if raw is not None else None
            if decoded is not None:
                self._sent(*decoded)
        except Exception:
            report("failed to read a sent session event", self._shape())

    def on_event(self, event: Any) -> None:
        """One event the user is about to receive."""
        if self._ended.locked():
            return
        now = self._last_event = perf_counter()
        try:
            raw = ev.chunk_bytes(event)
            decoded = ev.decode(raw) if raw is not None else None
            if decoded is not None:
                self._received(decoded[0], decoded[1], now)
        except Exception:
            report("failed to read a session event", self._shape())

    # ------------------------------------------------------------------ the client's events

    def _sent(self, name: str, body: Mapping[str, Any]) -> None:
        if name == ev.AUDIO_INPUT:
            return
        if name == "sessionStart":
            self._request = ev.inference_attributes(body)
            if self._request:
                self.span.set_attributes(self._request)
        elif name == "promptStart":
            if "audioOutputConfiguration" in body:
                self._request[sc.GEN_AI_OUTPUT_TYPE] = sc.OUTPUT_TYPE_SPEECH
            if self.capture is not None:
                self._tools = converse_shape.tool_definitions(body.get("toolConfiguration"), self.capture)
        elif name == "contentStart":
            name_ = as_str(body.get("contentName"))
            if name_ is not None:
                tool = body.get("toolResultInputConfiguration")
                tool_id = as_str(tool.get("toolUseId")) if isinstance(tool, Mapping) else None
                kind = as_str(body.get("type")) or ""
                self._inputs[name_] = (kind, as_str(body.get("role")) or "", tool_id)
        elif name == "contentEnd":
            kind, role, _ = self._inputs.get(as_str(body.get("contentName")) or "", ("", "", None))
            if kind in ("TEXT", "TOOL") and role in ("USER", "TOOL"):
                self._anchor = perf_counter()  # the client finished its turn's input
        elif self.capture is not None and name in ("textInput", "toolResult"):
            self._sent_content(name, body)

    def _sent_content(self, name: str, body: Mapping[str, Any]) -> None:
        _, role, tool_id = self._inputs.get(as_str(body.get("contentName")) or "", ("", "", None))
        content = body.get("content")
        if name == "toolResult":
            self._messages.append(
                parts.message("tool", [parts.tool_call_response(tool_id, parts.json_or_text(content))])
            )
        elif role == "SYSTEM":
            part = parts.text(content)
            if part is not None:
                self._system.append(part)
        else:
            self._messages.append(parts.message(role.lower() or "user", [parts.text(content)]))

    # ------------------------------------------------------------------ the model's events

    def _received(self, name: str, body: Mapping[str, Any], now: float) -> None:
        if self._done is not None and name != "usageEvent" and not self._continues(name, body):
            self._close_turn()
        if name == ev.AUDIO_OUTPUT:
            gen = self._generation(now)
            if gen.first_audio is None:
                gen.first_audio = now - gen.anchor
            if self._first_audio is None:
                self._first_audio = now - self._started
            return
        session_id = as_str(body.get("sessionId"))
        if session_id is not None and self._session_id is None:
            self._session_id = session_id
        if name == "usageEvent":
            self._usage(body)
            return
        content_id = as_str(body.get("contentId")) or ""
        if name == "completionStart":
            self._response_id = as_str(body.get("completionId")) or self._response_id
        elif name == "contentStart":
            kind = as_str(body.get("type")) or ""
            role = as_str(body.get("role")) or ""
            self._outputs[content_id] = (kind, role, ev.generation_stage(body))
            if role == "ASSISTANT":
                self._generation(now)
            elif role == "USER" and self._gen is not None:
                self._end_generation(None)  # a new user turn while the answer had no end: cut short
        elif name == "textOutput":
            self._text(body, content_id, now)
        elif name == "toolUse":
            gen = self._generation(now)
            self._tool_calls += 1
            if self.capture is not None:
                gen.tools.append(
                    parts.tool_call(
                        body.get("toolUseId"), body.get("toolName"), parts.json_or_text(body.get("content"))
                    )
                )
        elif name == "contentEnd":
            _, role, _ = self._outputs.pop(content_id, ("", as_str(body.get("role")) or "", None))
            stop = as_str(body.get("stopReason"))
            # A tool call's content has role TOOL; its TOOL_USE ends the assistant's turn all the same.
            ends_turn = stop == ev.TOOL_USE or (role == "ASSISTANT" and stop in ev.TURN_ENDS)
            if ends_turn and self._gen is not None:
                gen = self._gen
                if gen.reason != _INTERRUPTED:  # a barge-in stays one, counted once per generation
                    if stop == ev.INTERRUPTED:
                        self._interruptions += 1
                    gen.reason = finish_reason(stop)
                self._done = (gen, now)
                self._usage_due = True
                self._gen = None
            elif role == "USER":
                self._anchor = now  # the server finished the user's transcript: the user's turn ended
                transcript = self._transcripts.pop(content_id, None)
                if transcript is not None:
                    self._messages.append(transcript)
        elif name == "completionEnd" and self._gen is not None:
            self._end_generation(finish_reason(body.get("stopReason")))

    def _text(self, body: Mapping[str, Any], content_id: str, now: float) -> None:
        _, role, stage = self._outputs.get(content_id, ("", as_str(body.get("role")) or "", None))
        content = body.get("content")
        if role == "ASSISTANT":
            gen = self._generation(now)
            if ev.is_interruption_marker(content):
                return
            if gen.first_text is None:
                gen.first_text = now - gen.anchor
            if self._first_text is None:
                self._first_text = now - self._started
            if self.capture is not None and isinstance(content, str):
                gen.texts.setdefault(stage or "FINAL", []).append(content)
        elif role == "USER" and self.capture is not None and isinstance(content, str):
            transcript = self._transcripts.setdefault(content_id, parts.message("user", []))
            transcript["parts"].append(parts.text(content))

    def _usage(self, body: Mapping[str, Any]) -> None:
        delta = ev.usage_delta(body)
        owner = self._gen
        if owner is None and self._done is not None and self._usage_due:
            owner = self._done[0]
            self._usage_due = False
        target = owner.usage if owner is not None else self._pending
        for i, value in enumerate(delta):
            target[i] += value
        if owner is not None:
            owner.usage_seen = True
        else:
            self._pending_seen = True
        total = ev.usage_total(body)
        if any(total):
            self._total = total

    def _continues(self, name: str, body: Mapping[str, Any]) -> bool:
        """Whether this event is more of the turn that ended (the assistant's, before the user's next)."""
        done = self._done
        if done is None or self._anchor is not None:
            return False  # the client finished a text or tool result since the turn began: a new turn
        if name in (ev.AUDIO_OUTPUT, "toolUse"):
            return True
        if name == "contentStart":
            role = as_str(body.get("role")) or ""
        elif name in ("textOutput", "contentEnd"):
            content_id = as_str(body.get("contentId")) or ""
            role = self._outputs.get(content_id, ("", as_str(body.get("role")) or "", None))[1]
        else:
            return False
        return role in ("ASSISTANT", "TOOL")

    def _close_turn(self) -> None:
        """End the generation whose turn ended, at the time it last ended."""
        done = self._done
        self._done = None
        self._usage_due = False
        if done is not None:
            gen, ended = done
            gen.end(gen.reason, None, ended, self._response_id, self.capture is not None)
            self._child_end = _end_time_of(gen.call.span, self._child_end)

    # ------------------------------------------------------------------ generations

    def _generation(self, now: float) -> Generation:
        gen = self._gen
        if gen is not None:
            return gen
        if self._done is not None:  # the turn that ended goes on (the text of what it said)
            gen = self._gen = self._done[0]
            self._done = None
            self._usage_due = False
            return gen
        attrs: dict[str, AttributeValue] = {**self._common, **self._request}
        if self._session_id is not None:
            attrs[sc.GEN_AI_REALTIME_SESSION_ID] = self._session_id
        gen = self._gen = Generation.start(
            self.telemetry,
            self.span,
            attrs,
            self._common,
            self.model,
            self._anchor if self._anchor is not None else now,
            self._pending,
            self._pending_seen,
            self._messages,
        )
        if self.capture is not None:
            gen.call.request_content = RequestContent(self._system or None, gen.inputs, self._tools)
        self._anchor = None
        self._pending = [0, 0, 0, 0]
        self._pending_seen = False
        self._messages = []
        self._generations += 1
        return gen

    def _end_generation(
        self, reason: Optional[str], exc: Optional[BaseException] = None, end_at: Optional[float] = None
    ) -> None:
        """End the open generation now, or at ``end_at`` (a turn that ended is closed first, at its own
        end)."""
        self._close_turn()
        gen = self._gen
        if gen is not None:
            self._gen = None
            if reason is None:  # cut short; a turn that had ended and went on keeps how it ended
                reason = gen.reason
            gen.end(reason, exc, end_at, self._response_id, self.capture is not None)
            self._child_end = _end_time_of(gen.call.span, self._child_end)

    # ------------------------------------------------------------------ the session's single end

    def finish(self) -> None:
        """The model's stream ended (the session is over)."""
        if self._ended.acquire(blocking=False):
            _open.discard(self)
            self._end(None, None)

    def close(self) -> None:
        """The user closed the stream."""
        self.finish()

    def fail(self, exc: BaseException) -> None:
        if self._ended.acquire(blocking=False):
            _open.discard(self)
            self._end(exc, None)

    def abandon(self) -> None:
        """Dropped unfinished (or still open at exit): end where the last event arrived."""
        if self._ended.acquire(blocking=False):
            _open.discard(self)
            self._end(None, self._last_event)

    def disown(self) -> None:
        self._ended.acquire(blocking=False)

    def _end(self, exc: Optional[BaseException], end_at: Optional[float]) -> None:
        try:
            self._end_generation(None, exc, end_at)  # abandoned: where the session ends, not later
            self.span.set_attributes(self._session_attributes())
            if exc is not None:
                error_type = type(exc).__qualname__
                self.span.set_attribute(sc.ERROR_TYPE, error_type)
                self.span.set_status(Status(StatusCode.ERROR, error_type))
        except Exception:
            report("failed to end a session", self._shape())
        finally:
            now = perf_counter()
            if end_at is None or end_at >= now:
                self.span.end()
            else:
                # Each span turns its own clock readings into wall time: never end before a child.
                end_time = time_ns() - int((now - end_at) * 1e9)
                self.span.end(end_time=max(end_time, self._child_end or 0))

    def _session_attributes(self) -> dict[str, AttributeValue]:
        attrs: dict[str, AttributeValue] = {
            sc.AWS_BEDROCK_REALTIME_GENERATIONS: self._generations,
            sc.AWS_BEDROCK_REALTIME_INTERRUPTIONS: self._interruptions,
            sc.AWS_BEDROCK_REALTIME_TOOL_CALLS: self._tool_calls,
        }
        if self._session_id is not None:
            attrs[sc.GEN_AI_REALTIME_SESSION_ID] = self._session_id
        if self.request_id is not None:
            attrs[sc.AWS_REQUEST_ID] = self.request_id
        if self._total is not None:
            speech_in, text_in, speech_out, text_out = self._total
            attrs[sc.AWS_BEDROCK_REALTIME_USAGE_INPUT_TOKENS] = speech_in + text_in
            attrs[sc.AWS_BEDROCK_REALTIME_USAGE_OUTPUT_TOKENS] = speech_out + text_out
            attrs[sc.AWS_BEDROCK_REALTIME_USAGE_AUDIO_INPUT_TOKENS] = speech_in
            attrs[sc.AWS_BEDROCK_REALTIME_USAGE_TEXT_INPUT_TOKENS] = text_in
            attrs[sc.AWS_BEDROCK_REALTIME_USAGE_AUDIO_OUTPUT_TOKENS] = speech_out
            attrs[sc.AWS_BEDROCK_REALTIME_USAGE_TEXT_OUTPUT_TOKENS] = text_out
        if self._first_audio is not None:
            attrs[sc.AWS_BEDROCK_REALTIME_TIME_TO_FIRST_AUDIO] = self._first_audio
        if self._first_text is not None:
            attrs[sc.AWS_BEDROCK_REALTIME_TIME_TO_FIRST_TEXT] = self._first_text
        return attrs

    def _shape(self) -> str:
        return f"session {self.model or '?'}"
