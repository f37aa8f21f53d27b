"""Per-chunk points (``time_per_output_chunk``) carry our span's context, like every other point of
the call, so their exemplars lead to the call's span: a stream is read after the call returned,
outside our span, often outside any span (then the SDK's trace-based filter offered no exemplar)."""

from __future__ import annotations

from opentelemetry import trace

from bedrock_emulator import Reply, converse_stream_events
from conftest import instrumentation

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "Say this is a test"}]}]
PER_CHUNK = "gen_ai.client.inference.time_per_output_chunk"
WORDS = 9  # the emulator streams its default answer as nine output pieces


def _exemplar_spans(telemetry, name):
    (point,) = telemetry.metrics()[name].data.data_points
    return point.count, {e.span_id for e in point.exemplars}


def test_per_chunk_exemplars_name_our_span_outside_any_span(emu, client):
    with instrumentation() as telemetry:
        emu.script(Reply.stream(converse_stream_events((21, 5), 417)))
        assert len(list(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])) == WORDS + 4
        ours = telemetry.span().context.span_id
        assert _exemplar_spans(telemetry, PER_CHUNK) == (WORDS - 1, {ours})


def test_per_chunk_exemplars_name_our_span_inside_the_callers_span(emu, client):
    with instrumentation() as telemetry:
        tracer = telemetry.tracer_provider.get_tracer("app")
        with tracer.start_as_current_span("app") as app:
            emu.script(Reply.stream(converse_stream_events((21, 5), 417)))
            list(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])
        (call,) = [s for s in telemetry.spans() if s.name != "app"]
        assert call.parent.span_id == app.get_span_context().span_id != trace.INVALID_SPAN_ID
        assert _exemplar_spans(telemetry, PER_CHUNK) == (WORDS - 1, {call.context.span_id})
