"""AWS Price List GetProducts (awsJson1.1: ``POST /`` with ``X-Amz-Target:
AWSPriceListService.GetProducts``), for the price-table refresher's tests. ``POST /`` is no other
route's path, so the rule takes it whole.

``CATALOGUE[service_code]`` holds the products (dicts in the Price List's shape; each goes out as a JSON
string, as the real API sends them); ``TERM_MATCH`` filters apply to the product attributes, and the
answer is paged (``MaxResults``, default ``PAGE_SIZE``) with ``NextToken``.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from ..replies import Reply
from ..routing import Call, operation, path_rule

CATALOGUE: dict[str, list[dict[str, Any]]] = {}
PAGE_SIZE = 100


@path_rule
def _root_path(parts: list[str]) -> Optional[tuple[Optional[str], str]]:
    if parts == ["", ""]:
        return "AWSPriceListService", "pricing-get-products"  # the id scripts are keyed by
    return None


def _matches(product: dict[str, Any], filters: Any) -> bool:
    attributes = product.get("product", {}).get("attributes", {})
    for item in filters if isinstance(filters, list) else []:
        if item.get("Type") == "TERM_MATCH" and attributes.get(item.get("Field")) != item.get("Value"):
            return False
    return True


@operation("pricing-get-products")
def _get_products(call: Call) -> Reply:
    request = call.request if isinstance(call.request, dict) else {}
    code = request.get("ServiceCode")
    if not code:
        return Reply.error("InvalidParameterException", "ServiceCode is required", status=400)
    found = [p for p in CATALOGUE.get(code, []) if _matches(p, request.get("Filters"))]
    start = int(request.get("NextToken") or 0)
    size = int(request.get("MaxResults") or PAGE_SIZE)
    page = found[start : start + size]
    body: dict[str, Any] = {"FormatVersion": "aws_v1", "PriceList": [json.dumps(p) for p in page]}
    if start + size < len(found):
        body["NextToken"] = str(start + size)
    return Reply.json(body, headers={"Content-Type": "application/x-amz-json-1.1"})
