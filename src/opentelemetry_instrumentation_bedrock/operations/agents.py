"""bedrock-agent-runtime: agents (InvokeAgent, InvokeInlineAgent) and knowledge bases (Retrieve,
RetrieveAndGenerate, RetrieveAndGenerateStream).

Agents answer with an event stream (``completion``): ``chunk`` events carry the answer and, with
``enableTrace``, ``trace`` events describe what the agent did, which ``agent_trace`` turns into child
spans. The queries, answers and retrieved text are content: recorded only with content capture on
(the retrieval query, as ``gen_ai.retrieval.query.text``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..content.assembly import Assembler
from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts, as_int, as_mapping, as_number, as_str
from ..wire.streaming import EventReader
from .agent_reader import agent_reader
from .agent_return import results_message, returned_results
from .base import Attributes, Operation, RequestInfo, guardrail_attributes

SERVICE = "bedrock-agent-runtime"


def _conversation(facts: ResponseFacts, session_id: Any) -> None:
    session = as_str(session_id)
    if session is not None:
        facts.extra()[sc.GEN_AI_CONVERSATION_ID] = session


def _user_text(api_params: Mapping[str, Any], info: RequestInfo, key: str) -> Any:
    """With capture on: the request's one user text (``inputText``, ``input.text``) as input messages."""
    from ..content import parts
    from ..content.request import RequestContent

    if info.capture is None:
        return None
    value = api_params.get(key)
    text = as_mapping(value).get("text") if key == "input" else value
    return RequestContent(None, [parts.message("user", [parts.text(text)])])


class InvokeAgent(Operation):
    """``invoke_agent``: agent and alias ids, the session as the conversation. The span is not named by
    the agent id: the conventions name an agent span by ``gen_ai.agent.name``, which the request lacks."""

    service = SERVICE
    stream_member = "completion"

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        attrs: Attributes = {}
        agent = as_str(api_params.get("agentId"))
        if agent is not None:
            attrs[sc.GEN_AI_AGENT_ID] = agent
            attrs[sc.AWS_BEDROCK_AGENT_ID] = agent  # the name Application Signals reads (AWS::Bedrock::Agent)
        alias = as_str(api_params.get("agentAliasId"))
        if alias is not None:
            attrs[sc.AWS_BEDROCK_AGENT_ALIAS_ID] = alias
        session = as_str(api_params.get("sessionId"))
        if session is not None:
            attrs[sc.GEN_AI_CONVERSATION_ID] = session
        returned_results(api_params, attrs)
        return RequestInfo(sc.OP_INVOKE_AGENT, None, attrs)

    def stream_facts(self, result: Mapping[str, Any], facts: ResponseFacts) -> None:
        _conversation(facts, result.get("sessionId"))

    def event_reader(self, info: RequestInfo, assembler: Optional[Assembler]) -> EventReader:
        return agent_reader(info, assembler)

    def request_content(self, api_params: Mapping[str, Any], info: RequestInfo) -> Any:
        """The input text and, when the call hands tool results back, those results."""
        from ..content.request import RequestContent

        content = _user_text(api_params, info, "inputText")
        if info.capture is None:
            return content
        results = results_message(api_params)
        if results is None:
            return content
        text = content.messages if content is not None and api_params.get("inputText") else []
        return RequestContent(None, [results, *text])


class InvokeInlineAgent(InvokeAgent):
    """An agent defined in the request: ``invoke_agent {agent name}``, its foundation model as the
    request model."""

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        attrs: Attributes = {}
        name = as_str(api_params.get("agentName"))
        if name is not None:
            attrs[sc.GEN_AI_AGENT_NAME] = name
        session = as_str(api_params.get("sessionId"))
        if session is not None:
            attrs[sc.GEN_AI_CONVERSATION_ID] = session
        returned_results(api_params, attrs)
        guardrail = as_mapping(api_params.get("guardrailConfiguration"))
        guardrail_attributes(attrs, guardrail.get("guardrailIdentifier"), guardrail.get("guardrailVersion"))
        info = RequestInfo(sc.OP_INVOKE_AGENT, as_str(api_params.get("foundationModel")), attrs)
        info.target = name
        if name is not None:  # the conventions' agent metrics carry the agent's name
            info.metric_attributes = {sc.GEN_AI_AGENT_NAME: name}
        return info


class Retrieve(Operation):
    """``retrieval {knowledge base id}``: the knowledge base, results requested and returned."""

    service = SERVICE

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        attrs: Attributes = {}
        knowledge_base = as_str(api_params.get("knowledgeBaseId"))
        if knowledge_base is not None:
            attrs[sc.AWS_BEDROCK_KNOWLEDGE_BASE_ID] = knowledge_base
            attrs[sc.GEN_AI_DATA_SOURCE_ID] = knowledge_base
        search = as_mapping(
            as_mapping(api_params.get("retrievalConfiguration")).get("vectorSearchConfiguration")
        )
        top_k = as_int(search.get("numberOfResults"))
        if top_k is not None:
            attrs[sc.GEN_AI_RETRIEVAL_TOP_K] = top_k
        info = RequestInfo(sc.OP_RETRIEVAL, None, attrs)
        info.target = knowledge_base
        return info

    def request_content(self, api_params: Mapping[str, Any], info: RequestInfo) -> Any:
        """The query, recorded (as ``gen_ai.retrieval.query.text``) like every captured text: through
        the hook and the length limit."""
        from ..content.request import RequestContent

        query = as_str(as_mapping(api_params.get("retrievalQuery")).get("text"))
        return RequestContent(None, [], query=query) if info.capture is not None and query else None

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        results = result.get("retrievalResults")
        if isinstance(results, list):
            extra[sc.AWS_BEDROCK_RETRIEVAL_RESULT_COUNT] = len(results)
            if info.capture is not None:
                facts.retrieval_documents = [retrieved_document(as_mapping(r)) for r in results]
        facts.extra_attributes = extra
        return result


# Where a retrieved chunk came from, in the order we prefer as its id (a SQL location is a query: never).
_LOCATIONS = (
    ("customDocumentLocation", "id"),
    ("s3Location", "uri"),
    ("webLocation", "url"),
    ("confluenceLocation", "url"),
    ("salesforceLocation", "url"),
    ("sharePointLocation", "url"),
    ("kendraDocumentLocation", "uri"),
)


def retrieved_document(result: Mapping[str, Any]) -> dict[str, Any]:
    """One ``gen_ai.retrieval.documents`` entry: the chunk id Bedrock gives in the result's metadata
    (else its source location) and the relevance score; both optional, as the conventions allow."""
    document: dict[str, Any] = {}
    chunk = as_str(as_mapping(result.get("metadata")).get("x-amz-bedrock-kb-chunk-id"))
    if chunk is None:
        location = as_mapping(result.get("location"))
        for member, key in _LOCATIONS:
            chunk = as_str(as_mapping(location.get(member)).get(key))
            if chunk is not None:
                break
    if chunk is not None:
        document["id"] = chunk
    score = as_number(result.get("score"))
    if score is not None:
        document["score"] = float(score)
    return document


def _rag_request(api_params: Mapping[str, Any]) -> RequestInfo:
    config = as_mapping(api_params.get("retrieveAndGenerateConfiguration"))
    knowledge = as_mapping(config.get("knowledgeBaseConfiguration"))
    external = as_mapping(config.get("externalSourcesConfiguration"))
    model = as_str(knowledge.get("modelArn")) or as_str(external.get("modelArn"))
    attrs: Attributes = {}
    knowledge_base = as_str(knowledge.get("knowledgeBaseId"))
    if knowledge_base is not None:
        attrs[sc.AWS_BEDROCK_KNOWLEDGE_BASE_ID] = knowledge_base
        attrs[sc.GEN_AI_DATA_SOURCE_ID] = knowledge_base
    session = as_str(api_params.get("sessionId"))
    if session is not None:
        attrs[sc.GEN_AI_CONVERSATION_ID] = session
    return RequestInfo(sc.OP_CHAT, model, attrs)


class RetrieveAndGenerate(Operation):
    """A knowledge-base answer: ``chat {model}`` with the knowledge base, the session as conversation,
    and the number of citations. Bedrock reports no token usage for it."""

    service = SERVICE

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        return _rag_request(api_params)

    def request_content(self, api_params: Mapping[str, Any], info: RequestInfo) -> Any:
        return _user_text(api_params, info, "input")

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        _conversation(facts, result.get("sessionId"))
        citations = result.get("citations")
        if isinstance(citations, list):
            facts.extra()[sc.AWS_BEDROCK_CITATIONS_COUNT] = len(citations)
        if info.capture is not None:
            from ..content import parts

            answer = parts.text(as_mapping(result.get("output")).get("text"))
            facts.output_messages = [parts.message("assistant", [answer])]
        return result


class RetrieveAndGenerateStream(Operation):
    """The streamed knowledge-base answer: ``output`` events are output chunks, ``citation`` events
    are counted."""

    service = SERVICE
    stream_member = "stream"

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        info = _rag_request(api_params)
        info.attributes[sc.GEN_AI_REQUEST_STREAM] = True
        return info

    def stream_facts(self, result: Mapping[str, Any], facts: ResponseFacts) -> None:
        _conversation(facts, result.get("sessionId"))

    def request_content(self, api_params: Mapping[str, Any], info: RequestInfo) -> Any:
        return _user_text(api_params, info, "input")

    def event_reader(self, info: RequestInfo, assembler: Optional[Assembler]) -> EventReader:
        def read(event: Mapping[str, Any], facts: ResponseFacts) -> bool:
            if "output" in event:
                if assembler is not None:
                    assembler.text(0, as_mapping(event["output"]).get("text"))
                return True
            if "citation" in event:
                extra = facts.extra()
                extra[sc.AWS_BEDROCK_CITATIONS_COUNT] = int(extra.get(sc.AWS_BEDROCK_CITATIONS_COUNT, 0)) + 1
            return False

        return read
