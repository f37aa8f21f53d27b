"""Rebuild a Bedrock agent's trace (``enableTrace``) as child spans of the span it belongs to.

Bedrock streams ``trace`` events (TraceParts) describing what the agent did; steps are paired by
``traceId`` and become, under the agent's span (docs/agents.md shows the trees):

- ``chat {model}`` for each model invocation, with its usage (and points on the token metrics);
- ``execute_tool {name}`` for action groups and the code interpreter (``gen_ai.execute_tool.duration``);
- ``retrieval {knowledge base id}`` for knowledge-base lookups;
- ``apply_guardrail`` for guardrail assessments (policy types and action only);
- ``invoke_agent {collaborator}`` for a collaborator the agent called: the collaborator's own steps
  (its TraceParts carry a longer ``callerChain``) nest under it, and it records the agent metrics;
- a failure trace fails the step it names (or the agent), a custom orchestration trace is a span event.

Each span gets the start and end Bedrock reports. The same rebuilder serves InvokeAgent,
InvokeInlineAgent and agent nodes of a flow. Prompts, raw model responses, tool parameters, retrieved
text, failure reasons and guardrail matches are never recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from opentelemetry.trace import Span, SpanKind, set_span_in_context

from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts, as_int, as_list, as_mapping, as_str
from ..telemetry.instruments import Telemetry
from . import agent_spans as build
from .agent_scope import AgentScope, Key

_MODEL_TRACES = ("preProcessingTrace", "orchestrationTrace", "postProcessingTrace", "routingClassifierTrace")


class AgentTrace:
    """Builds the child spans of one agent invocation as its trace events arrive; ``close`` ends what
    is still open (a collaborator whose output never came) when the invocation ends."""

    __slots__ = ("_guardrail", "_scopes", "_telemetry", "root")

    def __init__(
        self, telemetry: Telemetry, span: Span, guardrail: Optional[build.Attributes] = None
    ) -> None:
        self._telemetry = telemetry
        self._guardrail = guardrail or {}  # the guardrail the request named, for its assessment spans
        self.root = AgentScope(span, (), None, None)
        self._scopes: dict[Key, AgentScope] = {(): self.root}

    def add(self, part: Mapping[str, Any]) -> None:
        """One TracePart."""
        event_ns = build.ns(part.get("eventTime"))
        scope = self._scope_of(part, event_ns)
        scope.seen(event_ns)
        trace = as_mapping(part.get("trace"))
        for kind in _MODEL_TRACES:
            step = as_mapping(trace.get(kind))
            if step:
                self._step(scope, step, event_ns)
        guardrail = as_mapping(trace.get("guardrailTrace"))
        if guardrail:
            self._guardrail_span(scope, guardrail, event_ns)
        failure = as_mapping(trace.get("failureTrace"))
        if failure:
            self._failure(scope, failure, event_ns)
        custom = as_mapping(trace.get("customOrchestrationTrace"))
        if custom:
            event: build.Attributes = {}
            trace_id = as_str(custom.get("traceId"))
            if trace_id is not None:
                event[sc.AWS_BEDROCK_AGENT_TRACE_ID] = trace_id
            scope.span.add_event(sc.AWS_BEDROCK_AGENT_CUSTOM_ORCHESTRATION_EVENT, event, timestamp=event_ns)

    def publish(self, facts: ResponseFacts) -> None:
        """What the invoked agent's own span reports: counts, subtree usage, finish reason, failure."""
        root = self.root
        facts.agent_calls = (root.inference_calls, root.tool_calls)
        usage = root.usage()
        if usage:
            facts.extra().update(usage)
        if root.finish is not None:
            facts.finish_reasons = (root.finish,)
        if root.error is not None:
            facts.failure = root.error

    def close(self) -> None:
        """End every collaborator still open, deepest first, at its last event."""
        for key in sorted((k for k in self._scopes if k), key=len, reverse=True):
            self._scopes.pop(key).end(self._telemetry, None)

    # --- which agent a TracePart belongs to

    def _scope_of(self, part: Mapping[str, Any], event_ns: Optional[int]) -> AgentScope:
        chain = [
            as_str(as_mapping(caller).get("agentAliasArn")) for caller in as_list(part.get("callerChain"))
        ]
        key = tuple(arn for arn in chain[1:] if arn is not None)
        scope = self._scopes.get(key)
        if scope is None:  # a collaborator whose invocation input we did not see (routing mode, say)
            scope = self._open(key, as_str(part.get("collaboratorName")), event_ns)
        agent = as_str(part.get("agentId"))
        if agent is not None and scope is not self.root:
            scope.span.set_attribute(sc.GEN_AI_AGENT_ID, agent)
        return scope

    def _open(self, key: Key, name: Optional[str], start_ns: Optional[int]) -> AgentScope:
        scope = self._scopes.get(key)
        if scope is not None:
            return scope
        parent = self._scopes.get(key[:-1]) or self._open(key[:-1], None, start_ns)
        attrs = build.base(sc.OP_INVOKE_AGENT)
        if name is not None:
            attrs[sc.GEN_AI_AGENT_NAME] = name
        attrs[sc.AWS_BEDROCK_AGENT_ALIAS_ARN] = key[-1]
        span = self._telemetry.tracer.start_span(
            build.named(sc.OP_INVOKE_AGENT, name),
            context=parent.context,
            kind=SpanKind.INTERNAL,
            attributes=attrs,
            start_time=start_ns,
        )
        scope = self._scopes[key] = AgentScope(span, key, parent, name)
        return scope

    def _end(self, key: Key, end_ns: Optional[int]) -> None:
        """A collaborator answered: end it (and any collaborator of its own still open)."""
        for open_key in sorted(
            (k for k in self._scopes if k[: len(key)] == key and k), key=len, reverse=True
        ):
            self._scopes.pop(open_key).end(self._telemetry, end_ns if open_key == key else None)

    # --- the steps of one agent

    def _step(self, scope: AgentScope, step: Mapping[str, Any], event_ns: Optional[int]) -> None:
        model_input = as_mapping(step.get("modelInvocationInput"))
        trace_id = as_str(model_input.get("traceId"))
        if trace_id is not None:
            scope.models[trace_id] = model_input
        model_output = as_mapping(step.get("modelInvocationOutput"))
        if model_output:
            self._model_span(scope, model_output, event_ns)
        invocation = as_mapping(step.get("invocationInput"))
        if invocation:
            self._invocation(scope, invocation, event_ns)
        observation = as_mapping(step.get("observation"))
        if observation:
            self._observation(scope, observation, event_ns)

    def _model_span(self, scope: AgentScope, output: Mapping[str, Any], event_ns: Optional[int]) -> None:
        metadata = as_mapping(output.get("metadata"))
        usage = as_mapping(metadata.get("usage"))
        model_input = as_mapping(scope.models.get(as_str(output.get("traceId")) or ""))
        attrs = build.model_attributes(model_input)
        metric_attrs = {k: v for k, v in attrs.items() if k in _METRIC_KEYS}
        input_tokens, output_tokens = as_int(usage.get("inputTokens")), as_int(usage.get("outputTokens"))
        if input_tokens is not None:
            attrs[sc.GEN_AI_USAGE_INPUT_TOKENS] = input_tokens
        if output_tokens is not None:
            attrs[sc.GEN_AI_USAGE_OUTPUT_TOKENS] = output_tokens
        model = as_str(model_input.get("foundationModel"))
        span = build.finished(
            self._telemetry.tracer, build.named(sc.OP_CHAT, model), scope.context, attrs, metadata, event_ns
        )
        usage_tuple = (input_tokens, output_tokens, None, None, None)
        self._telemetry.record_tokens(sc.OP_CHAT, usage_tuple, metric_attrs, set_span_in_context(span))
        scope.inference_calls += 1
        if input_tokens is not None or output_tokens is not None:
            scope.tokens(input_tokens, output_tokens)

    def _invocation(self, scope: AgentScope, invocation: Mapping[str, Any], event_ns: Optional[int]) -> None:
        trace_id = as_str(invocation.get("traceId")) or ""
        collaborator = as_mapping(invocation.get("agentCollaboratorInvocationInput"))
        if collaborator:
            arn = as_str(collaborator.get("agentCollaboratorAliasArn")) or (
                as_str(collaborator.get("agentCollaboratorName")) or trace_id
            )
            key = (*scope.key, arn)
            self._open(key, as_str(collaborator.get("agentCollaboratorName")), event_ns)
            scope.collaborators[trace_id] = key
            return
        action = as_mapping(invocation.get("actionGroupInvocationInput"))
        if action.get("executionType") == "RETURN_CONTROL":
            return  # handed back to the application: the ``returnControl`` event records it
        scope.inputs[trace_id] = invocation

    def _observation(
        self, scope: AgentScope, observation: Mapping[str, Any], event_ns: Optional[int]
    ) -> None:
        trace_id = as_str(observation.get("traceId")) or ""
        collaborator = as_mapping(observation.get("agentCollaboratorInvocationOutput"))
        if collaborator:
            arn = as_str(collaborator.get("agentCollaboratorAliasArn"))
            key = scope.collaborators.pop(trace_id, None) or ((*scope.key, arn) if arn else None)
            if key is not None and key in self._scopes:
                self._end(key, build.bounds(as_mapping(collaborator.get("metadata")), event_ns)[1])
            return
        invocation = scope.inputs.pop(trace_id, None)
        if invocation is not None:
            self._tool_span(scope, invocation, observation, event_ns)

    def _tool_span(
        self,
        scope: AgentScope,
        invocation: Mapping[str, Any],
        observation: Mapping[str, Any],
        event_ns: Optional[int],
        error_type: Optional[str] = None,
        code: Optional[int] = None,
    ) -> None:
        """The span of an invocation now observed (or failed: ``error_type``, Bedrock's failure ``code``)."""
        tracer = self._telemetry.tracer
        action = as_mapping(invocation.get("actionGroupInvocationInput"))
        interpreter = invocation.get("codeInterpreterInvocationInput")
        lookup = as_mapping(invocation.get("knowledgeBaseLookupInput"))
        if action or interpreter is not None:
            if action:
                tool, attrs = build.action_attributes(action)
                output = as_mapping(observation.get("actionGroupInvocationOutput"))
            else:
                tool, attrs = build.CODE_INTERPRETER, build.code_attributes()
                output = as_mapping(observation.get("codeInterpreterInvocationOutput"))
                error_type = error_type or build.code_error(output)
            if code is not None:
                attrs[sc.AWS_BEDROCK_AGENT_FAILURE_CODE] = code
            metadata = as_mapping(output.get("metadata")) or as_mapping(observation.get("metadata"))
            name = build.named(sc.OP_EXECUTE_TOOL, tool)
            span = build.finished(tracer, name, scope.context, attrs, metadata, event_ns, error_type)
            scope.tool_calls += 1
            duration = build.seconds(span)
            if duration is not None:
                metric_attrs = attrs if error_type is None else {**attrs, sc.ERROR_TYPE: error_type}
                metric_attrs = {k: v for k, v in metric_attrs.items() if k in _TOOL_METRIC_KEYS}
                self._telemetry.execute_tool_duration.record(
                    duration, metric_attrs, set_span_in_context(span)
                )
        elif lookup:
            output = as_mapping(observation.get("knowledgeBaseLookupOutput"))
            knowledge_base, attrs = build.lookup_attributes(lookup, output)
            if code is not None:
                attrs[sc.AWS_BEDROCK_AGENT_FAILURE_CODE] = code
            metadata = as_mapping(output.get("metadata")) or as_mapping(observation.get("metadata"))
            name = build.named(sc.OP_RETRIEVAL, knowledge_base)
            build.finished(tracer, name, scope.context, attrs, metadata, event_ns, error_type)

    def _guardrail_span(
        self, scope: AgentScope, guardrail: Mapping[str, Any], event_ns: Optional[int]
    ) -> None:
        attrs, found = build.guardrail_attributes(guardrail, self._guardrail)
        name = build.named(sc.OP_APPLY_GUARDRAIL, as_str(self._guardrail.get(sc.AWS_BEDROCK_GUARDRAIL_ID)))
        metadata = as_mapping(guardrail.get("metadata"))
        span = build.finished(self._telemetry.tracer, name, scope.context, attrs, metadata, event_ns)
        if guardrail.get("action") != "INTERVENED":
            return
        scope.finish = sc.FINISH_CONTENT_FILTER
        counter = self._telemetry.guardrail_interventions
        context = set_span_in_context(span)
        metric_attrs = {k: v for k, v in attrs.items() if k != sc.AWS_BEDROCK_GUARDRAIL_POLICIES}
        for policy, action in found or (("", ""),):
            point = dict(metric_attrs)
            if policy:
                point[sc.AWS_BEDROCK_GUARDRAIL_POLICY] = policy
                point[sc.AWS_BEDROCK_GUARDRAIL_ACTION] = action
            counter.add(1, point, context)

    def _failure(self, scope: AgentScope, failure: Mapping[str, Any], event_ns: Optional[int]) -> None:
        """The failed step's span (a pending invocation or collaborator of this trace id), else the agent."""
        error_type, code = build.failure_code(failure)
        trace_id = as_str(failure.get("traceId")) or ""
        metadata = as_mapping(failure.get("metadata"))
        collaborator = scope.collaborators.pop(trace_id, None)
        invocation = scope.inputs.pop(trace_id, None) if collaborator is None else None
        if collaborator is not None and collaborator in self._scopes:
            failed = self._scopes[collaborator]
            failed.error = error_type
            if code is not None:
                failed.span.set_attribute(sc.AWS_BEDROCK_AGENT_FAILURE_CODE, code)
            self._end(collaborator, build.bounds(metadata, event_ns)[1])
        elif invocation is not None:
            self._tool_span(scope, invocation, {"metadata": metadata}, event_ns, error_type, code)
        else:
            scope.error = error_type
            if code is not None:
                scope.span.set_attribute(sc.AWS_BEDROCK_AGENT_FAILURE_CODE, code)


# The model invocation attributes that also go on its token metric points (low cardinality).
_METRIC_KEYS = frozenset((sc.GEN_AI_OPERATION_NAME, sc.GEN_AI_PROVIDER_NAME, sc.GEN_AI_REQUEST_MODEL))
_TOOL_METRIC_KEYS = frozenset(
    (
        sc.GEN_AI_OPERATION_NAME,
        sc.GEN_AI_PROVIDER_NAME,
        sc.GEN_AI_TOOL_NAME,
        sc.GEN_AI_TOOL_TYPE,
        sc.ERROR_TYPE,
    )
)
