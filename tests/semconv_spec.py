"""The GenAI names we may emit, as the spec defines them: name -> (type, stability), with the file and
commit of open-telemetry/semantic-conventions-genai each rests on (docs/design.md explains how "merged"
was established). A conformance test (tests/test_conformance.py) checks every emitted name against these
tables, so a rename in our code, or an unreviewed new name, fails CI instead of drifting silently.

Types: ``string``, ``int``, ``double``, ``boolean``, ``string[]``, ``any`` (a structured value; on spans it
is a JSON string). Metric instruments: ``histogram`` or ``counter``.
"""

from __future__ import annotations

REGISTRY = "model/gen-ai/registry.yaml@f75b8e6af558d33f7f7a8a1f381dfdff0e45764c"
METRICS = "model/gen-ai/metrics.yaml@024a4f944a1291fcb627c9c47da69e79868dd15e"
TOKEN_METRICS = "model/gen-ai/token-metrics.yaml@9b2ce3b4e6b351a44025a289eefc1a6f6108a938"
EVENTS = "model/gen-ai/events.yaml@0387091683b4e4dac7d26e25e6f9cfe22cf3f138"
EVALUATION_EVENTS = "model/gen-ai/events.yaml@fecf9e12378d7b913438c954f8d7d243680ece47"
EXCEPTIONS = "docs/gen-ai/gen-ai-exceptions.md@e8fc5751506258db1459d1bde47994e01dee922e"
# open-telemetry/semantic-conventions (not the GenAI repository): the AWS SDK client span.
AWS_SDK = "docs/cloud-providers/aws-sdk.md@01d94504d2ec9a5653a5bde13908bc933d96ff29"
AWS_BEDROCK = "docs/gen-ai/aws-bedrock.md@002c8a6ea1c8a42b14a4527db83b3cabcded610a (aws.* registry)"
STABLE = "open-telemetry/semantic-conventions (stable)"
REALTIME = "docs/gen-ai/gen-ai-realtime-spans.md@19df343f3e7597308bea885bf1bc79b225f84638"

DEV = "development"

# attribute -> (type, stability, source)
ATTRIBUTES: dict[str, tuple[str, str, str]] = {
    "gen_ai.operation.name": ("string", DEV, REGISTRY),
    "gen_ai.provider.name": ("string", DEV, REGISTRY),
    "gen_ai.request.model": ("string", DEV, REGISTRY),
    "gen_ai.request.max_tokens": ("int", DEV, REGISTRY),
    "gen_ai.request.temperature": ("double", DEV, REGISTRY),
    "gen_ai.request.top_p": ("double", DEV, REGISTRY),
    "gen_ai.request.top_k": ("int", DEV, REGISTRY),
    "gen_ai.request.stop_sequences": ("string[]", DEV, REGISTRY),
    "gen_ai.request.seed": ("int", DEV, REGISTRY),
    "gen_ai.request.choice.count": ("int", DEV, REGISTRY),
    "gen_ai.request.frequency_penalty": ("double", DEV, REGISTRY),
    "gen_ai.request.presence_penalty": ("double", DEV, REGISTRY),
    "gen_ai.request.encoding_formats": ("string[]", DEV, REGISTRY),
    "gen_ai.request.stream": ("boolean", DEV, REGISTRY),
    "gen_ai.request.reasoning.level": ("string", DEV, REGISTRY),
    "gen_ai.output.type": ("string", DEV, REGISTRY),
    "gen_ai.prompt.name": ("string", DEV, REGISTRY),
    "gen_ai.prompt.version": ("string", DEV, REGISTRY),
    "gen_ai.embeddings.dimension.count": ("int", DEV, REGISTRY),
    "gen_ai.response.finish_reasons": ("string[]", DEV, REGISTRY),
    "gen_ai.response.id": ("string", DEV, REGISTRY),
    "gen_ai.response.model": ("string", DEV, REGISTRY),
    "gen_ai.response.time_to_first_chunk": ("double", DEV, REGISTRY),
    "gen_ai.usage.input_tokens": ("int", DEV, REGISTRY),
    "gen_ai.usage.output_tokens": ("int", DEV, REGISTRY),
    "gen_ai.usage.cache_read.input_tokens": ("int", DEV, REGISTRY),
    "gen_ai.usage.cache_write.input_tokens": ("int", DEV, REGISTRY),
    "gen_ai.usage.reasoning.output_tokens": ("int", DEV, REGISTRY),
    "gen_ai.token.modality": ("string", DEV, REGISTRY),
    "gen_ai.conversation.id": ("string", DEV, REGISTRY),
    "gen_ai.agent.id": ("string", DEV, REGISTRY),
    "gen_ai.agent.name": ("string", DEV, REGISTRY),
    "gen_ai.tool.name": ("string", DEV, REGISTRY),
    "gen_ai.tool.type": ("string", DEV, REGISTRY),
    "gen_ai.tool.call.id": ("string", DEV, REGISTRY),
    "gen_ai.workflow.name": ("string", DEV, REGISTRY),
    "gen_ai.data_source.id": ("string", DEV, REGISTRY),
    "gen_ai.retrieval.top_k": ("int", DEV, REGISTRY),
    "gen_ai.retrieval.query.text": ("string", DEV, REGISTRY),
    "gen_ai.retrieval.documents": ("any", DEV, REGISTRY),
    "gen_ai.input.messages": ("any", DEV, REGISTRY),
    "gen_ai.output.messages": ("any", DEV, REGISTRY),
    "gen_ai.system_instructions": ("any", DEV, REGISTRY),
    "gen_ai.tool.definitions": ("any", DEV, REGISTRY),
    # AgentCore (docs/agentcore.md): memory spans, evaluation results, tool call ids.
    "gen_ai.memory.store.id": ("string", DEV, REGISTRY),
    "gen_ai.memory.record.id": ("string", DEV, REGISTRY),
    "gen_ai.memory.record.count": ("int", DEV, REGISTRY),
    "gen_ai.memory.query.text": ("string", DEV, REGISTRY),
    "gen_ai.memory.records": ("any", DEV, REGISTRY),
    "gen_ai.evaluation.name": ("string", DEV, REGISTRY),
    "gen_ai.evaluation.score.value": ("double", DEV, REGISTRY),
    "gen_ai.evaluation.score.label": ("string", DEV, REGISTRY),
    "gen_ai.evaluation.explanation": ("string", DEV, REGISTRY),
    "aws.request_id": ("string", DEV, AWS_BEDROCK),
    "aws.bedrock.guardrail.id": ("string", DEV, AWS_BEDROCK),
    "aws.bedrock.knowledge_base.id": ("string", DEV, AWS_BEDROCK),
    "rpc.system": ("string", DEV, AWS_SDK),
    "rpc.service": ("string", DEV, AWS_SDK),
    "rpc.method": ("string", DEV, AWS_SDK),
    "cloud.region": ("string", DEV, AWS_SDK),
    # deprecated in the HTTP conventions; X-Ray and Application Signals read it (failed calls only)
    "http.status_code": (
        "int",
        "deprecated",
        "model/http/deprecated/registry-deprecated.yaml (http.status_code)",
    ),
    "error.type": ("string", "stable", STABLE),
    "server.address": ("string", "stable", STABLE),
    "server.port": ("int", "stable", STABLE),
    "http.response.status_code": ("int", "stable", STABLE),
    "exception.type": ("string", "stable", STABLE),
    # Realtime sessions (Nova Sonic through aws-sdk-bedrock-runtime): the realtime_inference span's attributes.
    "gen_ai.realtime_session.id": ("string", DEV, REALTIME),
    "gen_ai.usage.audio.input_tokens": ("int", DEV, REALTIME),
    "gen_ai.usage.audio.output_tokens": ("int", DEV, REALTIME),
    "gen_ai.usage.text.input_tokens": ("int", DEV, REALTIME),
    "gen_ai.usage.text.output_tokens": ("int", DEV, REALTIME),
}

# metric -> (instrument, unit, source)
METRIC_TABLE: dict[str, tuple[str, str, str]] = {
    "gen_ai.client.inference.duration": ("histogram", "s", METRICS),
    "gen_ai.client.operation.duration": ("histogram", "s", METRICS),
    "gen_ai.client.inference.time_to_first_chunk": ("histogram", "s", METRICS),
    "gen_ai.client.inference.time_per_output_chunk": ("histogram", "s", METRICS),
    "gen_ai.client.inference.usage.input_tokens": ("counter", "{token}", TOKEN_METRICS),
    "gen_ai.client.inference.usage.output_tokens": ("counter", "{token}", TOKEN_METRICS),
    "gen_ai.client.inference.usage.cache_read.input_tokens": ("counter", "{token}", TOKEN_METRICS),
    "gen_ai.client.inference.usage.cache_write.input_tokens": ("counter", "{token}", TOKEN_METRICS),
    "gen_ai.client.inference.usage.reasoning.output_tokens": ("counter", "{token}", TOKEN_METRICS),
    "gen_ai.client.inference.operation.input_tokens": ("histogram", "{token}", TOKEN_METRICS),
    "gen_ai.client.inference.operation.output_tokens": ("histogram", "{token}", TOKEN_METRICS),
    "gen_ai.server.request.duration": ("histogram", "s", METRICS),
    "gen_ai.server.time_to_first_token": ("histogram", "s", METRICS),
    "gen_ai.invoke_agent.duration": ("histogram", "s", METRICS),
    "gen_ai.invoke_agent.inference_calls": ("histogram", "{inference_call}", METRICS),
    "gen_ai.invoke_agent.tool_calls": ("histogram", "{tool_call}", METRICS),
    "gen_ai.execute_tool.duration": ("histogram", "s", METRICS),
    "gen_ai.invoke_workflow.duration": ("histogram", "s", METRICS),
}

EVENT_TABLE: dict[str, str] = {
    "gen_ai.client.inference.operation.details": EVENTS,
    "gen_ai.client.operation.exception": EXCEPTIONS,
    "gen_ai.evaluation.result": EVALUATION_EVENTS,
}

# The v1.41.0 names: emitted only in the compatibility mode (semconv_compat="v1.41").
V141_ATTRIBUTES: dict[str, str] = {
    "gen_ai.usage.cache_creation.input_tokens": "int",
    "gen_ai.token.type": "string",
}
V141_METRICS: dict[str, tuple[str, str]] = {
    "gen_ai.client.token.usage": ("histogram", "{token}"),
    "gen_ai.client.operation.time_to_first_chunk": ("histogram", "s"),
    "gen_ai.client.operation.time_per_output_chunk": ("histogram", "s"),
}
