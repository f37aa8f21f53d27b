"""Every attribute, event and metric name we emit, in one place.

The GenAI names follow open-telemetry/semantic-conventions-genai as merged in October 2026 (the
post-v1.41 reorganisation; docs/design.md says which commit of which file each one rests on). They are
spelled out here rather than imported: ``opentelemetry-semantic-conventions`` marks its GenAI constants
deprecated and has none of the new names. ``tests/semconv_spec.py`` checks every emitted name against the
spec's table. Names we add live under ``aws.bedrock.*`` and are documented in docs/reference.md.
The ``V141_*`` names are the v1.41.0 ones, emitted only in the compatibility mode (``config.SemconvMode``).
"""

from __future__ import annotations

from typing import Final

# --- General attributes (stable semantic conventions)
ERROR_TYPE: Final = "error.type"
SERVER_ADDRESS: Final = "server.address"
SERVER_PORT: Final = "server.port"

# --- GenAI attributes (semantic-conventions-genai model/gen-ai/registry.yaml)
GEN_AI_OPERATION_NAME: Final = "gen_ai.operation.name"
GEN_AI_PROVIDER_NAME: Final = "gen_ai.provider.name"
GEN_AI_REQUEST_MODEL: Final = "gen_ai.request.model"
GEN_AI_REQUEST_MAX_TOKENS: Final = "gen_ai.request.max_tokens"
GEN_AI_REQUEST_TEMPERATURE: Final = "gen_ai.request.temperature"
GEN_AI_REQUEST_TOP_P: Final = "gen_ai.request.top_p"
GEN_AI_REQUEST_TOP_K: Final = "gen_ai.request.top_k"  # int since #217 (was double)
GEN_AI_REQUEST_STOP_SEQUENCES: Final = "gen_ai.request.stop_sequences"
GEN_AI_REQUEST_SEED: Final = "gen_ai.request.seed"
GEN_AI_REQUEST_CHOICE_COUNT: Final = "gen_ai.request.choice.count"
GEN_AI_REQUEST_FREQUENCY_PENALTY: Final = "gen_ai.request.frequency_penalty"
GEN_AI_REQUEST_PRESENCE_PENALTY: Final = "gen_ai.request.presence_penalty"
GEN_AI_REQUEST_ENCODING_FORMATS: Final = "gen_ai.request.encoding_formats"
GEN_AI_REQUEST_STREAM: Final = "gen_ai.request.stream"
GEN_AI_REQUEST_REASONING_LEVEL: Final = "gen_ai.request.reasoning.level"
GEN_AI_OUTPUT_TYPE: Final = "gen_ai.output.type"
GEN_AI_PROMPT_NAME: Final = "gen_ai.prompt.name"
GEN_AI_PROMPT_VERSION: Final = "gen_ai.prompt.version"
GEN_AI_EMBEDDINGS_DIMENSION_COUNT: Final = "gen_ai.embeddings.dimension.count"
GEN_AI_RESPONSE_FINISH_REASONS: Final = "gen_ai.response.finish_reasons"
GEN_AI_RESPONSE_ID: Final = "gen_ai.response.id"
GEN_AI_RESPONSE_MODEL: Final = "gen_ai.response.model"
GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK: Final = "gen_ai.response.time_to_first_chunk"
GEN_AI_USAGE_INPUT_TOKENS: Final = "gen_ai.usage.input_tokens"
GEN_AI_USAGE_OUTPUT_TOKENS: Final = "gen_ai.usage.output_tokens"
GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: Final = "gen_ai.usage.cache_read.input_tokens"
GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS: Final = "gen_ai.usage.cache_write.input_tokens"  # #440
GEN_AI_USAGE_REASONING_OUTPUT_TOKENS: Final = "gen_ai.usage.reasoning.output_tokens"
GEN_AI_TOKEN_MODALITY: Final = "gen_ai.token.modality"
GEN_AI_CONVERSATION_ID: Final = "gen_ai.conversation.id"
GEN_AI_AGENT_ID: Final = "gen_ai.agent.id"
GEN_AI_AGENT_NAME: Final = "gen_ai.agent.name"
GEN_AI_TOOL_NAME: Final = "gen_ai.tool.name"
GEN_AI_TOOL_TYPE: Final = "gen_ai.tool.type"
GEN_AI_DATA_SOURCE_ID: Final = "gen_ai.data_source.id"
GEN_AI_RETRIEVAL_TOP_K: Final = "gen_ai.retrieval.top_k"  # #217
GEN_AI_RETRIEVAL_QUERY_TEXT: Final = "gen_ai.retrieval.query.text"
GEN_AI_RETRIEVAL_DOCUMENTS: Final = "gen_ai.retrieval.documents"
GEN_AI_INPUT_MESSAGES: Final = "gen_ai.input.messages"
GEN_AI_OUTPUT_MESSAGES: Final = "gen_ai.output.messages"
GEN_AI_SYSTEM_INSTRUCTIONS: Final = "gen_ai.system_instructions"
GEN_AI_TOOL_DEFINITIONS: Final = "gen_ai.tool.definitions"
EXCEPTION_TYPE: Final = "exception.type"

# AWS attributes defined by the (upstream) semantic conventions' aws.* registry.
AWS_REQUEST_ID: Final = "aws.request_id"
AWS_BEDROCK_GUARDRAIL_ID: Final = "aws.bedrock.guardrail.id"
AWS_BEDROCK_KNOWLEDGE_BASE_ID: Final = "aws.bedrock.knowledge_base.id"

# AWS SDK client span attributes (semantic-conventions docs/cloud-providers/aws-sdk.md), spelled as
# opentelemetry-instrumentation-botocore records them; X-Ray and Application Signals key on them.
RPC_SYSTEM: Final = "rpc.system"
RPC_SERVICE: Final = "rpc.service"
RPC_METHOD: Final = "rpc.method"
CLOUD_REGION: Final = "cloud.region"
RPC_SYSTEM_AWS_API: Final = "aws-api"
# The pre-stable name of http.response.status_code, which X-Ray and Application Signals still read.
HTTP_STATUS_CODE_DEPRECATED: Final = "http.status_code"
# Bedrock resource ids that ADOT's Application Signals reads (its own names; docs/reference.md).
AWS_BEDROCK_AGENT_ID: Final = "aws.bedrock.agent.id"

# --- GenAI events
GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS: Final = "gen_ai.client.inference.operation.details"
GEN_AI_CLIENT_OPERATION_EXCEPTION: Final = "gen_ai.client.operation.exception"

# --- GenAI metrics (model/gen-ai/metrics.yaml, token-metrics.yaml)
GEN_AI_CLIENT_INFERENCE_DURATION: Final = "gen_ai.client.inference.duration"  # #521
GEN_AI_CLIENT_OPERATION_DURATION: Final = "gen_ai.client.operation.duration"  # not for inference since #521
GEN_AI_CLIENT_INFERENCE_TIME_TO_FIRST_CHUNK: Final = "gen_ai.client.inference.time_to_first_chunk"
GEN_AI_CLIENT_INFERENCE_TIME_PER_OUTPUT_CHUNK: Final = "gen_ai.client.inference.time_per_output_chunk"
GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS: Final = "gen_ai.client.inference.usage.input_tokens"  # #374
GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS: Final = "gen_ai.client.inference.usage.output_tokens"
GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS: Final = (
    "gen_ai.client.inference.usage.cache_read.input_tokens"
)
GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS: Final = (
    "gen_ai.client.inference.usage.cache_write.input_tokens"
)
GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS: Final = (
    "gen_ai.client.inference.usage.reasoning.output_tokens"
)
GEN_AI_CLIENT_INFERENCE_OPERATION_INPUT_TOKENS: Final = "gen_ai.client.inference.operation.input_tokens"
GEN_AI_CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS: Final = "gen_ai.client.inference.operation.output_tokens"
GEN_AI_SERVER_REQUEST_DURATION: Final = "gen_ai.server.request.duration"
GEN_AI_SERVER_TIME_TO_FIRST_TOKEN: Final = "gen_ai.server.time_to_first_token"
GEN_AI_INVOKE_AGENT_DURATION: Final = "gen_ai.invoke_agent.duration"
GEN_AI_INVOKE_AGENT_INFERENCE_CALLS: Final = "gen_ai.invoke_agent.inference_calls"
GEN_AI_INVOKE_AGENT_TOOL_CALLS: Final = "gen_ai.invoke_agent.tool_calls"
GEN_AI_EXECUTE_TOOL_DURATION: Final = "gen_ai.execute_tool.duration"

# --- v1.41.0 names, emitted beside the new ones only in the compatibility mode
V141_GEN_AI_CLIENT_TOKEN_USAGE: Final = "gen_ai.client.token.usage"
V141_GEN_AI_TOKEN_TYPE: Final = "gen_ai.token.type"
V141_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK: Final = "gen_ai.client.operation.time_to_first_chunk"
V141_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK: Final = "gen_ai.client.operation.time_per_output_chunk"
V141_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS: Final = "gen_ai.usage.cache_creation.input_tokens"
V141_TOKEN_TYPE_INPUT: Final = "input"
V141_TOKEN_TYPE_OUTPUT: Final = "output"

# Well-known values. The semconv enum classes carrying them are marked deprecated (the GenAI
# conventions moved repository), so the values are spelled here once.
PROVIDER_AWS_BEDROCK: Final = "aws.bedrock"
OP_CHAT: Final = "chat"
OP_TEXT_COMPLETION: Final = "text_completion"
OP_EMBEDDINGS: Final = "embeddings"
MODALITY_UNKNOWN: Final = "unknown"  # Bedrock does not break usage down by modality
FINISH_ERROR: Final = "error"

# Bedrock-specific attributes (documented in docs/reference.md).
AWS_BEDROCK_GUARDRAIL_VERSION: Final = "aws.bedrock.guardrail.version"
AWS_BEDROCK_INVOCATION_LATENCY: Final = "aws.bedrock.invocation.latency"
AWS_BEDROCK_INVOCATION_FIRST_BYTE_LATENCY: Final = "aws.bedrock.invocation.first_byte_latency"
AWS_BEDROCK_RETRY_COUNT: Final = "aws.bedrock.retry.count"
AWS_BEDROCK_RETRY_MODE: Final = "aws.bedrock.retry.mode"
AWS_BEDROCK_RETRY_MAX_ATTEMPTS: Final = "aws.bedrock.retry.max_attempts"
AWS_BEDROCK_RETRY_DELAY: Final = "aws.bedrock.retry.delay"
AWS_BEDROCK_ATTEMPT: Final = "aws.bedrock.attempt"
AWS_BEDROCK_ATTEMPT_FAILED_EVENT: Final = "aws.bedrock.attempt_failed"
AWS_BEDROCK_CLIENT_THROTTLED_ATTEMPTS: Final = "aws.bedrock.client.throttled_attempts"
AWS_BEDROCK_USAGE_COST: Final = "aws.bedrock.usage.cost"
AWS_BEDROCK_CLIENT_COST: Final = "aws.bedrock.client.cost"
AWS_BEDROCK_GUARDRAIL_ACTION: Final = "aws.bedrock.guardrail.action"
AWS_BEDROCK_GUARDRAIL_POLICY: Final = "aws.bedrock.guardrail.policy"
AWS_BEDROCK_GUARDRAIL_SOURCE: Final = "aws.bedrock.guardrail.source"
AWS_BEDROCK_GUARDRAIL_INTERVENTIONS: Final = "aws.bedrock.guardrail.interventions"
AWS_BEDROCK_REQUEST_SERVICE_TIER: Final = "aws.bedrock.request.service_tier"
AWS_BEDROCK_RESPONSE_SERVICE_TIER: Final = "aws.bedrock.response.service_tier"
AWS_BEDROCK_REQUEST_LATENCY_MODE: Final = "aws.bedrock.request.performance_config.latency"
AWS_BEDROCK_RESPONSE_LATENCY_MODE: Final = "aws.bedrock.response.performance_config.latency"
AWS_BEDROCK_COUNTED_INPUT_TOKENS: Final = "aws.bedrock.count_tokens.input_tokens"
AWS_BEDROCK_ASYNC_INVOKE_ARN: Final = "aws.bedrock.async_invoke.arn"
AWS_BEDROCK_ASYNC_INVOKE_STATUS: Final = "aws.bedrock.async_invoke.status"
AWS_BEDROCK_ASYNC_INVOKE_COUNT: Final = "aws.bedrock.async_invoke.count"
AWS_BEDROCK_IMAGE_COUNT: Final = "aws.bedrock.image.count"
AWS_BEDROCK_IMAGE_WIDTH: Final = "aws.bedrock.image.width"
AWS_BEDROCK_IMAGE_HEIGHT: Final = "aws.bedrock.image.height"
HTTP_RESPONSE_STATUS_CODE: Final = "http.response.status_code"
OP_GENERATE_CONTENT: Final = "generate_content"
OP_COUNT_TOKENS: Final = "count_tokens"
OP_APPLY_GUARDRAIL: Final = "apply_guardrail"
OP_START_ASYNC_INVOKE: Final = "start_async_invoke"
OP_GET_ASYNC_INVOKE: Final = "get_async_invoke"
OP_LIST_ASYNC_INVOKES: Final = "list_async_invokes"
OP_INVOKE_AGENT: Final = "invoke_agent"
OP_EXECUTE_TOOL: Final = "execute_tool"
OP_RETRIEVAL: Final = "retrieval"
AWS_BEDROCK_AGENT_ALIAS_ID: Final = "aws.bedrock.agent.alias_id"
AWS_BEDROCK_RETRIEVAL_RESULT_COUNT: Final = "aws.bedrock.retrieval.result_count"
AWS_BEDROCK_CITATIONS_COUNT: Final = "aws.bedrock.citations.count"

# The inference operations (gen_ai.client.inference.*); every other operation is not inference.
INFERENCE_OPERATIONS: Final = frozenset((OP_CHAT, OP_TEXT_COMPLETION, OP_GENERATE_CONTENT))
