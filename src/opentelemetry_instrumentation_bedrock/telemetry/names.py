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
AWS_BEDROCK_IMAGE_QUALITY: Final = "aws.bedrock.image.quality"
# Why a call that was billed has no aws.bedrock.usage.cost (bounded values below; docs/cost.md). Not
# "aws.bedrock.usage.cost.*": an attribute name must not also be a namespace.
AWS_BEDROCK_USAGE_UNPRICED_REASON: Final = "aws.bedrock.usage.unpriced_reason"
UNPRICED_UNKNOWN_MODEL: Final = "unknown_model"
UNPRICED_UNKNOWN_TIER: Final = "unknown_tier"
UNPRICED_RESERVED_CAPACITY: Final = "reserved_capacity"
UNPRICED_PROVISIONED_THROUGHPUT: Final = "provisioned_throughput"
UNPRICED_UNKNOWN_CACHE_TTL: Final = "unknown_cache_ttl"
UNPRICED_UNKNOWN_IMAGE_SIZE: Final = "unknown_image_size"
UNPRICED_UNRESOLVED_PROFILE: Final = "unresolved_profile"
UNPRICED_AMBIGUOUS_PROFILE: Final = "ambiguous_profile"
UNPRICED_LATENCY_OPTIMIZED: Final = "latency_optimized"
# The foundation model behind an application inference profile, from GetInferenceProfile (opt-in).
AWS_BEDROCK_INFERENCE_PROFILE_BASE_MODEL: Final = "aws.bedrock.inference_profile.base_model"
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

# --- bedrock-agentcore (docs/agentcore.md). Memory and evaluation names are the conventions'.
GEN_AI_AGENT_VERSION: Final = "gen_ai.agent.version"
GEN_AI_TOOL_CALL_ID: Final = "gen_ai.tool.call.id"
GEN_AI_MEMORY_STORE_ID: Final = "gen_ai.memory.store.id"
GEN_AI_MEMORY_RECORD_ID: Final = "gen_ai.memory.record.id"
GEN_AI_MEMORY_RECORD_COUNT: Final = "gen_ai.memory.record.count"
GEN_AI_MEMORY_QUERY_TEXT: Final = "gen_ai.memory.query.text"
GEN_AI_MEMORY_RECORDS: Final = "gen_ai.memory.records"
AWS_BEDROCK_AGENTCORE_MEMORY_TOP_K: Final = "aws.bedrock.agentcore.memory.top_k"
GEN_AI_EVALUATION_RESULT: Final = "gen_ai.evaluation.result"  # event
GEN_AI_EVALUATION_NAME: Final = "gen_ai.evaluation.name"
GEN_AI_EVALUATION_SCORE_VALUE: Final = "gen_ai.evaluation.score.value"
GEN_AI_EVALUATION_SCORE_LABEL: Final = "gen_ai.evaluation.score.label"
GEN_AI_EVALUATION_EXPLANATION: Final = "gen_ai.evaluation.explanation"
OP_SEARCH_MEMORY: Final = "search_memory"
OP_CREATE_MEMORY: Final = "create_memory"
OP_UPDATE_MEMORY: Final = "update_memory"
OP_DELETE_MEMORY: Final = "delete_memory"
OP_EVALUATE: Final = "evaluate"  # not in the conventions' operation list (an open enum): ours
TOOL_TYPE_EXTENSION: Final = "extension"
AWS_BEDROCK_AGENTCORE_QUALIFIER: Final = "aws.bedrock.agentcore.qualifier"
AWS_BEDROCK_AGENTCORE_COMMAND_TIMEOUT: Final = "aws.bedrock.agentcore.command.timeout"
AWS_BEDROCK_AGENTCORE_COMMAND_EXIT_CODE: Final = "aws.bedrock.agentcore.command.exit_code"
AWS_BEDROCK_AGENTCORE_COMMAND_STATUS: Final = "aws.bedrock.agentcore.command.status"
AWS_BEDROCK_AGENTCORE_HARNESS_MAX_ITERATIONS: Final = "aws.bedrock.agentcore.harness.max_iterations"
AWS_BEDROCK_AGENTCORE_HOOK_EVENT: Final = "aws.bedrock.agentcore.hook"  # span event per hook decision
AWS_BEDROCK_AGENTCORE_HOOK_NAME: Final = "aws.bedrock.agentcore.hook.name"
AWS_BEDROCK_AGENTCORE_HOOK_TYPE: Final = "aws.bedrock.agentcore.hook.type"
AWS_BEDROCK_AGENTCORE_HOOK_DECISION: Final = "aws.bedrock.agentcore.hook.decision"
AWS_BEDROCK_AGENTCORE_TOOL_STATUS: Final = "aws.bedrock.agentcore.tool.status"
AWS_BEDROCK_AGENTCORE_TOOL_RESULT_COUNT: Final = "aws.bedrock.agentcore.tool.result_count"
AWS_BEDROCK_AGENTCORE_TOOL_IS_ERROR: Final = "aws.bedrock.agentcore.tool.is_error"
AWS_BEDROCK_AGENTCORE_TOOL_EXIT_CODE: Final = "aws.bedrock.agentcore.tool.exit_code"
AWS_BEDROCK_AGENTCORE_TOOL_TASK_STATUS: Final = "aws.bedrock.agentcore.tool.task_status"
AWS_BEDROCK_AGENTCORE_TOOL_LANGUAGE: Final = "aws.bedrock.agentcore.tool.language"
AWS_BEDROCK_AGENTCORE_TOOL_ID: Final = "aws.bedrock.agentcore.tool.id"
AWS_BEDROCK_AGENTCORE_TOOL_MAX_RESULTS: Final = "aws.bedrock.agentcore.tool.max_results"
AWS_BEDROCK_AGENTCORE_TOOL_SESSION_ID: Final = "aws.bedrock.agentcore.tool.session_id"
AWS_BEDROCK_AGENTCORE_MEMORY_FAILED_COUNT: Final = "aws.bedrock.agentcore.memory.failed_count"
AWS_BEDROCK_AGENTCORE_MEMORY_TOP_SCORE: Final = "aws.bedrock.agentcore.memory.top_score"
AWS_BEDROCK_AGENTCORE_MEMORY_STRATEGY_ID: Final = "aws.bedrock.agentcore.memory.strategy_id"
AWS_BEDROCK_AGENTCORE_EVALUATOR_ID: Final = "aws.bedrock.agentcore.evaluator.id"
AWS_BEDROCK_AGENTCORE_EVALUATION_DIMENSION: Final = "aws.bedrock.agentcore.evaluation.dimension"
AWS_BEDROCK_AGENTCORE_EVALUATION_RESULT_COUNT: Final = "aws.bedrock.agentcore.evaluation.result_count"
AWS_BEDROCK_AGENTCORE_EVALUATION_ERROR_COUNT: Final = "aws.bedrock.agentcore.evaluation.error_count"
AWS_BEDROCK_AGENTCORE_HARNESS_MODEL_PROVIDER: Final = "aws.bedrock.agentcore.harness.model_provider"

# The inference operations (gen_ai.client.inference.*); every other operation is not inference.
INFERENCE_OPERATIONS: Final = frozenset((OP_CHAT, OP_TEXT_COMPLETION, OP_GENERATE_CONTENT))

# Realtime sessions (InvokeModelWithBidirectionalStream: Nova Sonic), docs/smithy.md. The realtime span,
# session id and per-modality usage are the GenAI realtime conventions' (development); the session span
# and its figures are ours.
OP_REALTIME_INFERENCE: Final = "realtime_inference"
OUTPUT_TYPE_SPEECH: Final = "speech"
GEN_AI_REALTIME_SESSION_ID: Final = "gen_ai.realtime_session.id"
GEN_AI_USAGE_AUDIO_INPUT_TOKENS: Final = "gen_ai.usage.audio.input_tokens"
GEN_AI_USAGE_AUDIO_OUTPUT_TOKENS: Final = "gen_ai.usage.audio.output_tokens"
GEN_AI_USAGE_TEXT_INPUT_TOKENS: Final = "gen_ai.usage.text.input_tokens"
GEN_AI_USAGE_TEXT_OUTPUT_TOKENS: Final = "gen_ai.usage.text.output_tokens"
MODALITY_AUDIO: Final = "audio"
MODALITY_TEXT: Final = "text"
AWS_BEDROCK_REALTIME_SESSION_SPAN: Final = "aws.bedrock.realtime_session"
AWS_BEDROCK_REALTIME_TIME_TO_FIRST_AUDIO: Final = "aws.bedrock.realtime.time_to_first_audio"
AWS_BEDROCK_REALTIME_TIME_TO_FIRST_TEXT: Final = "aws.bedrock.realtime.time_to_first_text"
AWS_BEDROCK_REALTIME_GENERATIONS: Final = "aws.bedrock.realtime.generations"
AWS_BEDROCK_REALTIME_INTERRUPTIONS: Final = "aws.bedrock.realtime.interruptions"
AWS_BEDROCK_REALTIME_TOOL_CALLS: Final = "aws.bedrock.realtime.tool_calls"
AWS_BEDROCK_REALTIME_USAGE_INPUT_TOKENS: Final = "aws.bedrock.realtime.usage.input_tokens"
AWS_BEDROCK_REALTIME_USAGE_OUTPUT_TOKENS: Final = "aws.bedrock.realtime.usage.output_tokens"
AWS_BEDROCK_REALTIME_USAGE_AUDIO_INPUT_TOKENS: Final = "aws.bedrock.realtime.usage.audio.input_tokens"
AWS_BEDROCK_REALTIME_USAGE_AUDIO_OUTPUT_TOKENS: Final = "aws.bedrock.realtime.usage.audio.output_tokens"
AWS_BEDROCK_REALTIME_USAGE_TEXT_INPUT_TOKENS: Final = "aws.bedrock.realtime.usage.text.input_tokens"
AWS_BEDROCK_REALTIME_USAGE_TEXT_OUTPUT_TOKENS: Final = "aws.bedrock.realtime.usage.text.output_tokens"
# --- Agent traces, flows, agentic retrieval, guardrail checks, rerank (issue 16; docs/agents.md)
GEN_AI_WORKFLOW_NAME: Final = "gen_ai.workflow.name"
GEN_AI_INVOKE_WORKFLOW_DURATION: Final = "gen_ai.invoke_workflow.duration"
OP_INVOKE_WORKFLOW: Final = "invoke_workflow"
OP_RERANK: Final = "rerank"
OP_INVOKE_GUARDRAIL_CHECKS: Final = "invoke_guardrail_checks"
FINISH_TOOL_CALL: Final = "tool_call"
FINISH_CONTENT_FILTER: Final = "content_filter"
TOOL_TYPE_FUNCTION: Final = "function"
AWS_BEDROCK_AGENT_ALIAS_ARN: Final = "aws.bedrock.agent.alias_arn"
AWS_BEDROCK_AGENT_TRACE_ID: Final = "aws.bedrock.agent.trace_id"
AWS_BEDROCK_AGENT_STEP: Final = "aws.bedrock.agent.step"
AWS_BEDROCK_AGENT_FAILURE_CODE: Final = "aws.bedrock.agent.failure_code"
AWS_BEDROCK_AGENT_ACTION_GROUP: Final = "aws.bedrock.agent.action_group"
AWS_BEDROCK_AGENT_USAGE_INPUT_TOKENS: Final = "aws.bedrock.agent.usage.input_tokens"
AWS_BEDROCK_AGENT_USAGE_OUTPUT_TOKENS: Final = "aws.bedrock.agent.usage.output_tokens"
AWS_BEDROCK_AGENT_FILES_COUNT: Final = "aws.bedrock.agent.files.count"
AWS_BEDROCK_AGENT_RETURN_CONTROL_EVENT: Final = "aws.bedrock.agent.return_control"
AWS_BEDROCK_AGENT_RETURN_CONTROL_RESULTS: Final = "aws.bedrock.agent.return_control.result_count"
AWS_BEDROCK_AGENT_CUSTOM_ORCHESTRATION_EVENT: Final = "aws.bedrock.agent.custom_orchestration"
AWS_BEDROCK_GUARDRAIL_POLICIES: Final = "aws.bedrock.guardrail.policies"
AWS_BEDROCK_FLOW_ID: Final = "aws.bedrock.flow.id"
AWS_BEDROCK_FLOW_ALIAS_ID: Final = "aws.bedrock.flow.alias_id"
AWS_BEDROCK_FLOW_EXECUTION_ID: Final = "aws.bedrock.flow.execution_id"
AWS_BEDROCK_FLOW_EXECUTION_ARN: Final = "aws.bedrock.flow.execution_arn"
AWS_BEDROCK_FLOW_EXECUTION_STATUS: Final = "aws.bedrock.flow.execution.status"
AWS_BEDROCK_FLOW_EXECUTION_EVENT_COUNT: Final = "aws.bedrock.flow.execution.event_count"
AWS_BEDROCK_FLOW_COMPLETION_REASON: Final = "aws.bedrock.flow.completion_reason"
AWS_BEDROCK_FLOW_NODE_NAME: Final = "aws.bedrock.flow.node.name"
AWS_BEDROCK_FLOW_NODE_TYPE: Final = "aws.bedrock.flow.node.type"
AWS_BEDROCK_FLOW_NODE_ACTION_EVENT: Final = "aws.bedrock.flow.node.action"
AWS_BEDROCK_FLOW_NODE_CONDITION_EVENT: Final = "aws.bedrock.flow.node.condition"
AWS_BEDROCK_FLOW_NODE_INPUT_COUNT: Final = "aws.bedrock.flow.node.input_count"
AWS_BEDROCK_FLOW_NODE_OUTPUT_COUNT: Final = "aws.bedrock.flow.node.output_count"
AWS_BEDROCK_FLOW_CONDITIONS_SATISFIED: Final = "aws.bedrock.flow.conditions.satisfied"
AWS_BEDROCK_FLOW_ACTION_SERVICE: Final = "aws.bedrock.flow.action.service"
AWS_BEDROCK_FLOW_ACTION_OPERATION: Final = "aws.bedrock.flow.action.operation"
AWS_BEDROCK_FLOW_OUTPUT_COUNT: Final = "aws.bedrock.flow.output_count"
AWS_BEDROCK_RETRIEVAL_STEP: Final = "aws.bedrock.retrieval.step"
AWS_BEDROCK_RETRIEVAL_STATUS: Final = "aws.bedrock.retrieval.status"
AWS_BEDROCK_RETRIEVAL_SOURCE_COUNT: Final = "aws.bedrock.retrieval.source_count"
AWS_BEDROCK_RETRIEVAL_GUARDRAIL_WARNINGS: Final = "aws.bedrock.retrieval.guardrail_warnings"
AWS_BEDROCK_RETRIEVAL_FAILURE_COUNT: Final = "aws.bedrock.retrieval.failure_count"
AWS_BEDROCK_RERANK_SOURCE_COUNT: Final = "aws.bedrock.rerank.source_count"
AWS_BEDROCK_RERANK_RESULT_COUNT: Final = "aws.bedrock.rerank.result_count"
AWS_BEDROCK_RERANK_QUERY_COUNT: Final = "aws.bedrock.rerank.query_count"
AWS_BEDROCK_GUARDRAIL_CHECKS: Final = "aws.bedrock.guardrail_checks.requested"
AWS_BEDROCK_GUARDRAIL_CHECKS_CATEGORIES: Final = "aws.bedrock.guardrail_checks.categories"
AWS_BEDROCK_GUARDRAIL_CHECKS_SCORE_PREFIX: Final = "aws.bedrock.guardrail_checks.score."
AWS_BEDROCK_GUARDRAIL_CHECKS_TEXT_UNITS_PREFIX: Final = "aws.bedrock.guardrail_checks.text_units."
AWS_BEDROCK_GUARDRAIL_CHECKS_FINDING_COUNT: Final = "aws.bedrock.guardrail_checks.sensitive_information.count"
AWS_BEDROCK_GUARDRAIL_CHECKS_FINDING_TYPES: Final = "aws.bedrock.guardrail_checks.sensitive_information.types"
AWS_BEDROCK_GUARDRAIL_CHECKS_TRUNCATED: Final = "aws.bedrock.guardrail_checks.sensitive_information.truncated"
AWS_BEDROCK_RERANK_TOP_N: Final = "aws.bedrock.rerank.top_n"
OP_START_FLOW_EXECUTION: Final = "start_flow_execution"
OP_GET_FLOW_EXECUTION: Final = "get_flow_execution"
OP_LIST_FLOW_EXECUTION_EVENTS: Final = "list_flow_execution_events"
AWS_BEDROCK_FLOW_EXECUTION_ERROR_COUNT: Final = "aws.bedrock.flow.execution.error_count"
OP_PLAN: Final = "plan"
