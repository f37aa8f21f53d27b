"""Every attribute and metric name we emit, in one place.

GenAI names come from ``opentelemetry.semconv._incubating`` (the constants, not the deprecated enum
classes, so importing them raises no DeprecationWarning). Names we add live under ``aws.bedrock.*`` and
are documented in docs/reference.md.
"""

from __future__ import annotations

from typing import Final

from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as _gen_ai_attributes
from opentelemetry.semconv._incubating.attributes.aws_attributes import (
    AWS_BEDROCK_GUARDRAIL_ID,
    AWS_BEDROCK_KNOWLEDGE_BASE_ID,
    AWS_REQUEST_ID,
)
from opentelemetry.semconv._incubating.attributes.gen_ai_attributes import (
    GEN_AI_AGENT_ID,
    GEN_AI_AGENT_NAME,
    GEN_AI_CONVERSATION_ID,
    GEN_AI_DATA_SOURCE_ID,
    GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
    GEN_AI_INPUT_MESSAGES,
    GEN_AI_OPERATION_NAME,
    GEN_AI_OUTPUT_MESSAGES,
    GEN_AI_PROVIDER_NAME,
    GEN_AI_REQUEST_CHOICE_COUNT,
    GEN_AI_REQUEST_ENCODING_FORMATS,
    GEN_AI_REQUEST_FREQUENCY_PENALTY,
    GEN_AI_REQUEST_MAX_TOKENS,
    GEN_AI_REQUEST_MODEL,
    GEN_AI_REQUEST_PRESENCE_PENALTY,
    GEN_AI_REQUEST_SEED,
    GEN_AI_REQUEST_STOP_SEQUENCES,
    GEN_AI_REQUEST_TEMPERATURE,
    GEN_AI_REQUEST_TOP_K,
    GEN_AI_REQUEST_TOP_P,
    GEN_AI_RESPONSE_FINISH_REASONS,
    GEN_AI_RESPONSE_ID,
    GEN_AI_RESPONSE_MODEL,
    GEN_AI_RETRIEVAL_QUERY_TEXT,
    GEN_AI_SYSTEM_INSTRUCTIONS,
    GEN_AI_TOKEN_TYPE,
    GEN_AI_TOOL_DEFINITIONS,
    GEN_AI_TOOL_NAME,
    GEN_AI_TOOL_TYPE,
    GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
    GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
    GEN_AI_USAGE_INPUT_TOKENS,
    GEN_AI_USAGE_OUTPUT_TOKENS,
)
from opentelemetry.semconv._incubating.metrics import gen_ai_metrics as _gen_ai_metrics
from opentelemetry.semconv._incubating.metrics.gen_ai_metrics import (
    GEN_AI_CLIENT_OPERATION_DURATION,
    GEN_AI_CLIENT_TOKEN_USAGE,
    GEN_AI_SERVER_REQUEST_DURATION,
    GEN_AI_SERVER_TIME_TO_FIRST_TOKEN,
)
from opentelemetry.semconv.attributes.error_attributes import ERROR_TYPE
from opentelemetry.semconv.attributes.server_attributes import SERVER_ADDRESS, SERVER_PORT

# Names that only newer opentelemetry-semantic-conventions releases carry (0.61b0, our floor, lacks
# them): the constant when the installed release has it, else the same name spelled out.
GEN_AI_REQUEST_STREAM: Final[str] = getattr(
    _gen_ai_attributes, "GEN_AI_REQUEST_STREAM", "gen_ai.request.stream"
)
GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK: Final[str] = getattr(
    _gen_ai_attributes, "GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK", "gen_ai.response.time_to_first_chunk"
)
GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK: Final[str] = getattr(
    _gen_ai_metrics,
    "GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK",
    "gen_ai.client.operation.time_to_first_chunk",
)
GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK: Final[str] = getattr(
    _gen_ai_metrics,
    "GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK",
    "gen_ai.client.operation.time_per_output_chunk",
)

# Well-known values. The semconv enum classes carrying them are marked deprecated (the GenAI
# conventions moved repository), so the values are spelled here once.
PROVIDER_AWS_BEDROCK: Final = "aws.bedrock"
OP_CHAT: Final = "chat"
OP_TEXT_COMPLETION: Final = "text_completion"
OP_EMBEDDINGS: Final = "embeddings"
TOKEN_TYPE_INPUT: Final = "input"
TOKEN_TYPE_OUTPUT: Final = "output"

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
GEN_AI_OUTPUT_TYPE: Final = "gen_ai.output.type"
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

__all__ = [
    "AWS_BEDROCK_AGENT_ALIAS_ID",
    "AWS_BEDROCK_ASYNC_INVOKE_ARN",
    "AWS_BEDROCK_ASYNC_INVOKE_COUNT",
    "AWS_BEDROCK_ASYNC_INVOKE_STATUS",
    "AWS_BEDROCK_ATTEMPT",
    "AWS_BEDROCK_ATTEMPT_FAILED_EVENT",
    "AWS_BEDROCK_CITATIONS_COUNT",
    "AWS_BEDROCK_CLIENT_COST",
    "AWS_BEDROCK_CLIENT_THROTTLED_ATTEMPTS",
    "AWS_BEDROCK_COUNTED_INPUT_TOKENS",
    "AWS_BEDROCK_GUARDRAIL_ACTION",
    "AWS_BEDROCK_GUARDRAIL_ID",
    "AWS_BEDROCK_GUARDRAIL_INTERVENTIONS",
    "AWS_BEDROCK_GUARDRAIL_POLICY",
    "AWS_BEDROCK_GUARDRAIL_SOURCE",
    "AWS_BEDROCK_GUARDRAIL_VERSION",
    "AWS_BEDROCK_IMAGE_COUNT",
    "AWS_BEDROCK_IMAGE_HEIGHT",
    "AWS_BEDROCK_IMAGE_WIDTH",
    "AWS_BEDROCK_INVOCATION_FIRST_BYTE_LATENCY",
    "AWS_BEDROCK_INVOCATION_LATENCY",
    "AWS_BEDROCK_KNOWLEDGE_BASE_ID",
    "AWS_BEDROCK_REQUEST_LATENCY_MODE",
    "AWS_BEDROCK_REQUEST_SERVICE_TIER",
    "AWS_BEDROCK_RESPONSE_LATENCY_MODE",
    "AWS_BEDROCK_RESPONSE_SERVICE_TIER",
    "AWS_BEDROCK_RETRIEVAL_RESULT_COUNT",
    "AWS_BEDROCK_RETRY_COUNT",
    "AWS_BEDROCK_RETRY_DELAY",
    "AWS_BEDROCK_RETRY_MAX_ATTEMPTS",
    "AWS_BEDROCK_RETRY_MODE",
    "AWS_BEDROCK_USAGE_COST",
    "AWS_REQUEST_ID",
    "ERROR_TYPE",
    "GEN_AI_AGENT_ID",
    "GEN_AI_AGENT_NAME",
    "GEN_AI_CLIENT_OPERATION_DURATION",
    "GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK",
    "GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK",
    "GEN_AI_CLIENT_TOKEN_USAGE",
    "GEN_AI_CONVERSATION_ID",
    "GEN_AI_DATA_SOURCE_ID",
    "GEN_AI_EMBEDDINGS_DIMENSION_COUNT",
    "GEN_AI_INPUT_MESSAGES",
    "GEN_AI_OPERATION_NAME",
    "GEN_AI_OUTPUT_MESSAGES",
    "GEN_AI_OUTPUT_TYPE",
    "GEN_AI_PROVIDER_NAME",
    "GEN_AI_REQUEST_CHOICE_COUNT",
    "GEN_AI_REQUEST_ENCODING_FORMATS",
    "GEN_AI_REQUEST_FREQUENCY_PENALTY",
    "GEN_AI_REQUEST_MAX_TOKENS",
    "GEN_AI_REQUEST_MODEL",
    "GEN_AI_REQUEST_PRESENCE_PENALTY",
    "GEN_AI_REQUEST_SEED",
    "GEN_AI_REQUEST_STOP_SEQUENCES",
    "GEN_AI_REQUEST_STREAM",
    "GEN_AI_REQUEST_TEMPERATURE",
    "GEN_AI_REQUEST_TOP_K",
    "GEN_AI_REQUEST_TOP_P",
    "GEN_AI_RESPONSE_FINISH_REASONS",
    "GEN_AI_RESPONSE_ID",
    "GEN_AI_RESPONSE_MODEL",
    "GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK",
    "GEN_AI_RETRIEVAL_QUERY_TEXT",
    "GEN_AI_SERVER_REQUEST_DURATION",
    "GEN_AI_SERVER_TIME_TO_FIRST_TOKEN",
    "GEN_AI_SYSTEM_INSTRUCTIONS",
    "GEN_AI_TOKEN_TYPE",
    "GEN_AI_TOOL_DEFINITIONS",
    "GEN_AI_TOOL_NAME",
    "GEN_AI_TOOL_TYPE",
    "GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS",
    "GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS",
    "GEN_AI_USAGE_INPUT_TOKENS",
    "GEN_AI_USAGE_OUTPUT_TOKENS",
    "HTTP_RESPONSE_STATUS_CODE",
    "OP_APPLY_GUARDRAIL",
    "OP_CHAT",
    "OP_COUNT_TOKENS",
    "OP_EMBEDDINGS",
    "OP_EXECUTE_TOOL",
    "OP_GENERATE_CONTENT",
    "OP_GET_ASYNC_INVOKE",
    "OP_INVOKE_AGENT",
    "OP_LIST_ASYNC_INVOKES",
    "OP_RETRIEVAL",
    "OP_START_ASYNC_INVOKE",
    "OP_TEXT_COMPLETION",
    "PROVIDER_AWS_BEDROCK",
    "SERVER_ADDRESS",
    "SERVER_PORT",
    "TOKEN_TYPE_INPUT",
    "TOKEN_TYPE_OUTPUT",
]
