"""Rerank (bedrock-agent-runtime): sources scored against a query by a reranker model.

``rerank {model}``: the reranker model, the number of queries and sources sent, the number of results
asked for and returned. With content capture on, the results' indexes and scores as
``gen_ai.retrieval.documents``; never the queries or the sources' text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from ..telemetry import names as sc
from ..telemetry.facts import ResponseFacts, as_int, as_list, as_mapping, as_number, as_str
from .base import Attributes, Operation, RequestInfo

SERVICE = "bedrock-agent-runtime"


class Rerank(Operation):
    service = SERVICE

    def parse_request(self, api_params: Mapping[str, Any]) -> Optional[RequestInfo]:
        config = as_mapping(
            as_mapping(api_params.get("rerankingConfiguration")).get("bedrockRerankingConfiguration")
        )
        model = as_str(as_mapping(config.get("modelConfiguration")).get("modelArn"))
        attrs: Attributes = {
            sc.AWS_BEDROCK_RERANK_SOURCE_COUNT: len(as_list(api_params.get("sources"))),
            sc.AWS_BEDROCK_RERANK_QUERY_COUNT: len(as_list(api_params.get("queries"))),
        }
        top_n = as_int(config.get("numberOfResults"))
        if top_n is not None:
            attrs[sc.AWS_BEDROCK_RERANK_TOP_N] = top_n
        return RequestInfo(sc.OP_RERANK, model, attrs)

    def parse_response(
        self, info: RequestInfo, result: dict[str, Any], headers: Mapping[str, Any], facts: ResponseFacts
    ) -> dict[str, Any]:
        results = result.get("results")
        if isinstance(results, list):
            facts.extra_attributes = {sc.AWS_BEDROCK_RERANK_RESULT_COUNT: len(results)}
            if info.capture is not None:
                documents = []
                for entry in results:
                    document: dict[str, Any] = {}
                    index = as_int(as_mapping(entry).get("index"))
                    if index is not None:
                        document["id"] = str(index)
                    score = as_number(as_mapping(entry).get("relevanceScore"))
                    if score is not None:
                        document["score"] = float(score)
                    documents.append(document)
                facts.retrieval_documents = documents
        return result
