"""AgenticRetrieveStream (bedrock-agent-runtime): a model plans and runs retrievals over knowledge bases
(and memory), optionally generating an answer, reporting each step as it goes.

``retrieval {knowledge base id}`` (``retrieval`` with several retrievers): the model, the knowledge
bases, the results' and citations' counts, time to first chunk (the first answer text, else the first
result), guardrail warnings (counted), and one child span per step (``agentic_steps``). With content
capture on: the query (the last user message) and the generated answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..content.assembly import Assembler
from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts, as_int, as_list, as_mapping, as_str
from ..wire.streaming import EventReader
from .agentic_steps import AgenticSteps
from .base import Attributes, Operation, RequestInfo, guardrail_attributes

SERVICE = "bedrock-agent-runtime"


def _model(config: Mapping[str, Any]) -> Optional[str]:
    models = as_mapping(config.get("foundationModelConfiguration"))
    for member in ("bedrockFoundationModelConfiguration", "mantleFoundationModelConfiguration"):
        model = as_str(as_mapping(as_mapping(models.get(member)).get("modelConfiguration")).get("modelArn"))
        if model is not None:
            return model
    return None


class AgenticRetrieveStream(Operation):
    service = SERVICE
    stream_member = "stream"

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        attrs: Attributes = {}
        retrievers = as_list(api_params.get("retrievers"))
        knowledge_bases = []
        top_k = []
        for retriever in retrievers:
            knowledge_base = as_mapping(
                as_mapping(as_mapping(retriever).get("configuration")).get("knowledgeBase")
            )
            identifier = as_str(knowledge_base.get("knowledgeBaseId"))
            if identifier is not None:
                knowledge_bases.append(identifier)
            top_k.append(
                as_int(as_mapping(knowledge_base.get("retrievalOverrides")).get("maxNumberOfResults"))
            )
        attrs[sc.AWS_BEDROCK_RETRIEVAL_SOURCE_COUNT] = len(retrievers)
        target = None
        if len(knowledge_bases) == 1 and len(retrievers) == 1:
            target = knowledge_bases[0]
            attrs[sc.AWS_BEDROCK_KNOWLEDGE_BASE_ID] = target
            attrs[sc.GEN_AI_DATA_SOURCE_ID] = target
            if top_k[0] is not None:
                attrs[sc.GEN_AI_RETRIEVAL_TOP_K] = top_k[0]
        guardrail = as_mapping(
            as_mapping(api_params.get("policyConfiguration")).get("bedrockGuardrailConfiguration")
        )
        guardrail_attributes(attrs, guardrail.get("guardrailId"), guardrail.get("guardrailVersion"))
        attrs[sc.GEN_AI_REQUEST_STREAM] = True
        info = RequestInfo(
            sc.OP_RETRIEVAL, _model(as_mapping(api_params.get("agenticRetrieveConfiguration"))), attrs
        )
        info.target = target
        return info

    def request_content(self, api_params: Mapping[str, Any], info: RequestInfo) -> Any:
        """The query: the last user message's text (recorded as ``gen_ai.retrieval.query.text``)."""
        from ..content.request import RequestContent

        if info.capture is None:
            return None
        query = None
        for message in as_list(api_params.get("messages")):
            message = as_mapping(message)
            if message.get("role") == "user":
                query = as_str(as_mapping(message.get("content")).get("text")) or query
        return RequestContent(None, [], query=query) if query else None

    def event_reader(self, info: RequestInfo, assembler: Optional[Assembler]) -> EventReader:
        call = info.call
        guardrail = info.attributes.get(sc.AWS_BEDROCK_GUARDRAIL_ID)
        steps = (
            AgenticSteps(call.telemetry, call.span, guardrail if isinstance(guardrail, str) else None)
            if call
            else None
        )

        def read(event: Mapping[str, Any], facts: ResponseFacts) -> bool:
            response = event.get("responseEvent")
            if response is not None:
                if assembler is not None:
                    assembler.text(0, as_mapping(response).get("text"))
                return True
            trace = event.get("traceEvent")
            if trace is not None and steps is not None:
                if facts.on_end is None:
                    facts.on_end = steps.close
                steps.add(as_mapping(trace))
                extra = facts.extra()
                if steps.guardrail_warnings:
                    extra[sc.AWS_BEDROCK_RETRIEVAL_GUARDRAIL_WARNINGS] = steps.guardrail_warnings
                if steps.failures:
                    extra[sc.AWS_BEDROCK_RETRIEVAL_FAILURE_COUNT] = steps.failures
                return False
            result = event.get("result")
            if result is not None:
                result = as_mapping(result)
                extra = facts.extra()
                count = len(as_list(result.get("results")))
                extra[sc.AWS_BEDROCK_RETRIEVAL_RESULT_COUNT] = (
                    int(extra.get(sc.AWS_BEDROCK_RETRIEVAL_RESULT_COUNT, 0)) + count
                )
                citations = as_mapping(result.get("generatedResponse")).get("citations")
                if isinstance(citations, list):
                    extra[sc.AWS_BEDROCK_CITATIONS_COUNT] = len(citations)
                if assembler is not None:
                    answer = as_str(as_mapping(result.get("generatedResponse")).get("answer"))
                    if answer is not None and not assembler.messages():
                        assembler.text(0, answer)
                return facts.time_to_first_chunk_s is None  # the first output, when no answer text came first
            return False

        return read
