"""Trace context for the hosted side of an AgentCore call: the request members ``traceParent``,
``traceState`` and ``baggage`` (sent as the W3C ``traceparent``, ``tracestate`` and ``baggage``
headers), filled from the current context through the globally configured propagator, so the spans the
hosted agent (or harness, or tool) records join the caller's trace under our span.

Rules: a member the caller set is never changed, and ``traceParent`` and ``traceState`` go together
(a caller who set either owns the trace context: neither is filled). A member the installed botocore's
model does not know, or a value longer than the model allows, is left out (the call must validate as
it would uninstrumented). The caller's params are never touched: the filled members go into a copy
that is passed on to botocore. ``traceId`` (X-Ray's ``X-Amzn-Trace-Id``) is botocore's own business
(its recursion-detection handler) and is left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional
from weakref import WeakKeyDictionary

from opentelemetry import propagate
from opentelemetry.context import Context

# Request member -> the carrier key the W3C propagators write.
MEMBERS = (("traceParent", "traceparent"), ("traceState", "tracestate"), ("baggage", "baggage"))
_TRACE_CONTEXT = ("traceParent", "traceState")

# service model -> operation -> {member: max length or None}: read once per operation of each model
# (weakly held: a client's model goes with its last client, and is never mistaken for another's).
_limits: WeakKeyDictionary[Any, dict[str, dict[str, Optional[int]]]] = WeakKeyDictionary()


def member_limits(client: Any, operation_name: str) -> dict[str, Optional[int]]:
    """The trace members the installed botocore knows for this operation, with their maximum length."""
    service_model = client.meta.service_model
    by_operation = _limits.get(service_model)
    if by_operation is None:
        by_operation = _limits[service_model] = {}
    found = by_operation.get(operation_name)
    if found is None:
        members = service_model.operation_model(operation_name).input_shape.members
        found = {}
        for member, _header in MEMBERS:
            shape = members.get(member)
            if shape is not None:
                limit = shape.metadata.get("max")
                found[member] = limit if isinstance(limit, int) else None
        by_operation[operation_name] = found
    return found


def with_trace_context(
    api_params: Mapping[str, Any], limits: Mapping[str, Optional[int]], context: Context
) -> Mapping[str, Any]:
    """``api_params``, or a shallow copy with the members the caller left out filled from ``context``."""
    if not limits:
        return api_params
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=context)
    if not carrier:
        return api_params
    # A member present is the caller's, even as None (which botocore then rejects, as uninstrumented).
    owns_trace = any(member in api_params for member in _TRACE_CONTEXT)
    added: dict[str, str] = {}
    for member, header in MEMBERS:
        if member not in limits or member in api_params:
            continue
        if owns_trace and member in _TRACE_CONTEXT:
            continue
        value = carrier.get(header)
        limit = limits[member]
        if isinstance(value, str) and value and (limit is None or len(value) <= limit):
            added[member] = value
    if not added:
        return api_params
    return {**api_params, **added}
