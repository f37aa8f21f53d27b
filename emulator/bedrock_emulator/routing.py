"""Which operation a request names, and which handler gives its default answer: the registry the
route modules (``routes/``, every one imported by ``routes/__init__``) fill with two decorators.

``@path_rule`` registers a function from the request path, split on ``/`` (query dropped), to
``(id, operation)`` or None; ``@operation(name, ...)`` registers the function that builds the default
``Reply`` of those operations from a :class:`Call`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional
from urllib.parse import unquote

from .replies import Reply

PathRule = Callable[[list[str]], Optional[tuple[Optional[str], str]]]


@dataclass(frozen=True)
class Call:
    """An unscripted request as a handler sees it: the routed id (a model id, or what the path names
    instead) and operation, the JSON body (None if absent or not JSON), the raw body, the HTTP method,
    and the usage, model latency (ms) and real delay (s) its answer reports; ``headers`` are the
    request's (the AgentCore routes read the trace context the caller sent)."""

    model_id: Any
    operation: str
    request: Any
    raw: bytes
    method: str
    usage: tuple[int, int]
    latency: int
    delay: float
    headers: Any = None  # the request's HTTP headers (a dict), for routes that answer with them


Handler = Callable[[Call], Reply]

_PATH_RULES: list[PathRule] = []
_HANDLERS: dict[str, Handler] = {}
_MODEL_OPTIONAL: set[str] = set()


def path_rule(rule: PathRule) -> PathRule:
    """Register a path rule (rules must not overlap: the first that matches wins)."""
    _PATH_RULES.append(rule)
    return rule


def operation(*names: str, model_optional: bool = False) -> Callable[[Handler], Handler]:
    """Register the default-answer handler of ``names``; with ``model_optional`` a request whose path
    names no id is answered too (else it gets the 'no route' 404)."""

    def register(handler: Handler) -> Handler:
        for name in names:
            if name in _HANDLERS:
                raise ValueError(f"emulator operation {name!r} is registered twice")
            _HANDLERS[name] = handler
            if model_optional:
                _MODEL_OPTIONAL.add(name)
        return handler

    return register


@path_rule
def _model_path(parts: list[str]) -> Optional[tuple[Optional[str], str]]:
    """bedrock-runtime's ``/model/{modelId}/{operation}``, for any operation name."""
    if len(parts) == 4 and parts[1] == "model":
        return unquote(parts[2]), parts[3]
    return None


def _route(path: str) -> tuple[Optional[str], Optional[str]]:
    """(model id, operation) from ``/model/{modelId}/{operation}``; the id is URL-decoded. ApplyGuardrail
    is ``(guardrail id, "apply-guardrail")``, async invocations ``(None or the ARN, "async-invoke")``."""
    parts = path.split("?", 1)[0].split("/")
    for rule in _PATH_RULES:
        found = rule(parts)
        if found is not None:
            return found
    return None, None


def routable(model_id: Optional[str], operation: Optional[str]) -> bool:
    """Whether a routed request gets a default answer: it names an operation, and an id unless the
    operation takes none."""
    return operation is not None and (model_id is not None or operation in _MODEL_OPTIONAL)


def model_optional_operations() -> frozenset[str]:
    return frozenset(_MODEL_OPTIONAL)


def dispatch(call: Call) -> Reply:
    """The default answer of the call's operation (a 404 for an operation nothing registered)."""
    handler = _HANDLERS.get(call.operation)
    if handler is None:
        return Reply.error("UnknownOperationException", f"unknown path /{call.operation}", status=404)
    return handler(call)


def pacing(total: float, events: int) -> dict[str, float]:
    """Spread a stream's latency as a model would: a quarter before the first event (the time to
    first byte the trailer reports), the rest evenly between events."""
    if total <= 0 or events < 2:
        return {"delay": total}
    return {"delay": total / 4, "event_delay": total * 3 / 4 / (events - 1)}
