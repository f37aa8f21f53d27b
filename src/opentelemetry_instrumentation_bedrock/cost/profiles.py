"""Opt-in: the foundation model behind an application inference profile, so its calls can be priced.

An application profile's ARN names no model. Bedrock's control plane does (``GetInferenceProfile``,
``models[].modelArn``). With ``resolve_inference_profiles=True`` (or
``OTEL_INSTRUMENTATION_BEDROCK_RESOLVE_INFERENCE_PROFILES=true``) the first call through a profile
queues, as it ends, one ``GetInferenceProfile`` through the app's own credentials; a daemon thread makes it with
every instrumentation suppressed (ours passes control-plane calls through anyway), and the answer is
cached for the process for a TTL. The instrumented call never waits: until the answer is in, calls
through the profile go unpriced (``aws.bedrock.usage.unpriced_reason = unresolved_profile``).
"""

from __future__ import annotations

import inspect
import logging
import os
import queue
import threading
import time
import weakref
from typing import Any, Callable, Optional
from urllib.parse import urlsplit

from ..telemetry import names as sc
from ..wire.model_id import base_model_id

_log = logging.getLogger(__name__)

DEFAULT_TTL_S = 3600.0
FAILURE_TTL_S = 60.0  # after a failure (denied, throttled, unreachable), wait this long to ask again
ClientFactory = Callable[[Any], Any]  # the app's bedrock-runtime client -> a bedrock (control plane) client


class _Answer:
    __slots__ = ("expires", "model", "reason")

    def __init__(self, model: Optional[str], reason: Optional[str], expires: float) -> None:
        self.model = model
        self.reason = reason
        self.expires = expires


class ProfileResolver:
    """Per-process cache of application profile ARN -> base model id, filled off the hot path."""

    def __init__(
        self,
        ttl_s: float = DEFAULT_TTL_S,
        failure_ttl_s: float = FAILURE_TTL_S,
        clock: Callable[[], float] = time.monotonic,
        client_factory: Optional[ClientFactory] = None,
    ) -> None:
        self.ttl_s = ttl_s
        self.failure_ttl_s = failure_ttl_s
        self._clock = clock
        self._client_factory = client_factory or control_plane_client
        self._answers: dict[str, _Answer] = {}
        self._pending: set[str] = set()
        # Profiles a call asked about as it started, resolved once that call ends (``lookup``), so the
        # resolver's thread (building a client is GIL work) never runs alongside the call that asked.
        self._deferred: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[Optional[tuple[Any, str]]] = queue.SimpleQueue()
        self._worker: Optional[threading.Thread] = None
        self._pid = os.getpid()
        self._closed = False  # after close (uninstrument): no more control-plane calls
        self.requests_made = 0  # GetInferenceProfile calls sent (for tests and debugging)
        if hasattr(os, "register_at_fork"):
            ref = weakref.ref(self)

            def after_fork() -> None:
                resolver = ref()
                if resolver is not None:
                    resolver._forked()

            os.register_at_fork(after_in_child=after_fork)

    def _forked(self) -> None:
        """In a forked child: the parent's worker and lock state did not come along; answers did."""
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._pending.clear()
        self._deferred.clear()
        self._worker = None
        self._queue = queue.SimpleQueue()

    def defer(self, client: Any, model_id: str) -> None:
        """Called as an instrumented call starts: note an application profile with no fresh answer,
        to be resolved when the call ends (``lookup``). A dict lookup, at most a dict write."""
        if self._closed or model_id in self._deferred:
            return
        if not (model_id.startswith("arn:") and ":application-inference-profile/" in model_id):
            return
        answer = self._answers.get(model_id)
        if answer is not None and answer.expires > self._clock():
            return
        self._deferred[model_id] = client

    def request(self, client: Any, model_id: str) -> None:
        """Queue a resolution if this is an application profile with no fresh answer. Never blocks (a
        dict lookup, at most a thread start and a queue put)."""
        if not (model_id.startswith("arn:") and ":application-inference-profile/" in model_id):
            return
        answer = self._answers.get(model_id)
        if answer is not None and answer.expires > self._clock():
            return
        if os.getpid() != self._pid:  # a forked child (where register_at_fork is missing)
            self._forked()
        with self._lock:
            if self._closed or model_id in self._pending:
                return
            self._pending.add(model_id)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._run, name="bedrock-inference-profile-resolver", daemon=True
                )
                self._worker.start()
        self._queue.put((client, model_id))

    def lookup(self, model_id: str) -> tuple[Optional[str], Optional[str]]:
        """(base model id, None) when resolved, else (None, the unpriced reason). Called as a call
        ends: a resolution that call deferred is queued now."""
        client = self._deferred.pop(model_id, None)
        if client is not None:
            self.request(client, model_id)
        answer = self._answers.get(model_id)
        if answer is None or (answer.model is None and answer.expires <= self._clock()):
            return None, sc.UNPRICED_UNRESOLVED_PROFILE
        return answer.model, answer.reason  # a stale model answer stays usable while a refresh runs

    def close(self) -> None:
        """Stop the worker (at ``uninstrument()``): a resolution in flight finishes, queued ones are
        dropped, and none is asked for after this."""
        with self._lock:
            self._closed = True
            if self._worker is not None:
                self._queue.put(None)
                self._worker = None

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """For tests: wait until nothing is pending."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._pending:
                    return True
            time.sleep(0.005)
        return False

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            client, model_id = item
            if self._closed:  # uninstrumented while this waited: never asked
                with self._lock:
                    self._pending.discard(model_id)
                continue
            try:
                answer = self._resolve(client, model_id)
            except Exception:  # our bug, or botocore's: never out of this thread
                _log.debug("bedrock instrumentation: resolving %s failed", model_id, exc_info=True)
                answer = _Answer(None, sc.UNPRICED_UNRESOLVED_PROFILE, self._clock() + self.failure_ttl_s)
            with self._lock:
                previous = self._answers.get(model_id)
                if answer.model is None and previous is not None and previous.model is not None:
                    # A failed refresh keeps the last good answer for another failure period.
                    answer = _Answer(previous.model, None, self._clock() + self.failure_ttl_s)
                self._answers[model_id] = answer
                self._pending.discard(model_id)

    def _resolve(self, client: Any, model_id: str) -> _Answer:
        from opentelemetry.instrumentation.utils import suppress_instrumentation

        with suppress_instrumentation():  # no span, metric or HTTP span for our own control-plane call
            control = self._client_factory(client)
            self.requests_made += 1
            try:
                response = control.get_inference_profile(inferenceProfileIdentifier=model_id)
            except Exception as exc:
                code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
                _log.debug("bedrock instrumentation: GetInferenceProfile(%s): %s", model_id, code)
                return _Answer(None, sc.UNPRICED_UNRESOLVED_PROFILE, self._clock() + self.failure_ttl_s)
        return self._answer(response)

    def _answer(self, response: Any) -> _Answer:
        models = response.get("models") if isinstance(response, dict) else None
        bases = set()
        for model in models if isinstance(models, list) else ():
            arn = model.get("modelArn") if isinstance(model, dict) else None
            if isinstance(arn, str) and ":foundation-model/" in arn:
                bases.add(base_model_id(arn))
        expires = self._clock() + self.ttl_s
        if len(bases) == 1:
            return _Answer(bases.pop(), None, expires)
        # Several different models (or none we can name): which one served a call is unknown.
        return _Answer(
            None, sc.UNPRICED_AMBIGUOUS_PROFILE if bases else sc.UNPRICED_UNRESOLVED_PROFILE, expires
        )


_SESSION: list[Any] = []
_SESSION_LOCK = threading.Lock()


# Control-plane clients by everything they were built from: building one is GIL work (several ms)
# that would slow the app's threads at every resolution; a few are kept.
_CLIENTS: dict[tuple[Any, ...], Any] = {}
_MAX_CLIENTS = 8


def _new_session_lock() -> None:
    """In a forked child: the thread that may have held the lock (a resolver's) did not come along,
    and the parent's clients' connections are the parent's."""
    global _SESSION_LOCK
    _SESSION_LOCK = threading.Lock()
    _CLIENTS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_session_lock)


def _session() -> Any:
    """One botocore session for the resolver's clients: its loader keeps the service model after the
    first client, so later ones cost less of the GIL the app's threads share."""
    import botocore.session

    with _SESSION_LOCK:
        if not _SESSION:
            _SESSION.append(botocore.session.get_session())
        return _SESSION[0]


class CannotSign(Exception):
    """The app's client signs with nothing we can reuse: no request is made (never with credentials the
    app did not give that client, such as the environment's)."""


# The first label of the standard hosts of the clients whose calls name a Bedrock model.
_STANDARD_SERVICES = ("bedrock-runtime", "bedrock-agentcore")
_AWS_DOMAINS = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")


def _standard_host(host: str) -> tuple[bool, bool, bool]:
    """(standard, FIPS, dual-stack) for the host of the app's client."""
    label, _, domain = host.partition(".")
    service = label[: -len("-fips")] if label.endswith("-fips") else label
    standard = service in _STANDARD_SERVICES and any(("." + domain).endswith(d) for d in _AWS_DOMAINS)
    return standard, standard and label.endswith("-fips"), standard and host.endswith(".api.aws")


def _frozen_credentials(runtime_client: Any) -> Any:
    """The client's own credentials, frozen; aiobotocore's are read as they stand (its getter is a
    coroutine of the app's loop, which this thread must not run)."""
    from botocore import UNSIGNED
    from botocore.credentials import ReadOnlyCredentials

    if getattr(runtime_client.meta.config, "signature_version", None) is UNSIGNED:
        raise CannotSign("the client does not sign")
    credentials = runtime_client._get_credentials() if hasattr(runtime_client, "_get_credentials") else None
    if credentials is None:
        credentials = getattr(getattr(runtime_client, "_request_signer", None), "_credentials", None)
    if credentials is None:
        raise CannotSign("the client has no credentials")
    getter = credentials.get_frozen_credentials
    if not inspect.iscoroutinefunction(getter):
        return getter()
    if hasattr(credentials, "refresh_needed"):  # refreshable: the current set, unless it needs a refresh
        frozen = getattr(credentials, "_frozen_credentials", None)
        if frozen is None or credentials.refresh_needed():
            raise CannotSign("the client's async credentials need a refresh")
        return frozen
    return ReadOnlyCredentials(credentials.access_key, credentials.secret_key, credentials.token)


def control_plane_client(runtime_client: Any) -> Any:
    """A ``bedrock`` client with the runtime client's credentials, region and endpoint settings: the
    standard endpoint (FIPS, dual-stack as the client's) when the client uses a standard one, else the
    same URL (an emulator, a proxy); the client's proxies and TLS verification."""
    from botocore.config import Config

    meta = runtime_client.meta
    frozen = _frozen_credentials(runtime_client)
    if frozen is None or not frozen.access_key:
        raise CannotSign("the client has no credentials")
    host = urlsplit(meta.endpoint_url).hostname or ""
    standard, fips, dual_stack = _standard_host(host)
    config = meta.config
    settings: dict[str, Any] = {
        "retries": {"total_max_attempts": 1, "mode": "standard"},
        "connect_timeout": 5,
        "read_timeout": 10,
    }
    if standard:  # a custom URL is used as is (botocore refuses FIPS or dual-stack with one)
        settings["use_fips_endpoint"] = bool(getattr(config, "use_fips_endpoint", None) or fips)
        settings["use_dualstack_endpoint"] = bool(
            getattr(config, "use_dualstack_endpoint", None) or dual_stack
        )
    for name in ("proxies", "proxies_config", "client_cert"):
        value = getattr(config, name, None)
        if value is not None:
            settings[name] = value
    verify = getattr(
        getattr(getattr(runtime_client, "_endpoint", None), "http_session", None), "_verify", None
    )
    verify = verify if isinstance(verify, (bool, str)) else None
    endpoint_url = None if standard else meta.endpoint_url
    key = (frozen.access_key, frozen.secret_key, frozen.token, meta.region_name, endpoint_url, verify,
           repr(sorted(settings.items())))  # fmt: skip
    session = _session()
    with _SESSION_LOCK:
        found = _CLIENTS.get(key)
        if found is None:
            found = session.create_client(
                "bedrock",
                region_name=meta.region_name,
                endpoint_url=endpoint_url,
                verify=verify,
                aws_access_key_id=frozen.access_key,
                aws_secret_access_key=frozen.secret_key,
                aws_session_token=frozen.token,
                config=Config(**settings),
            )
            while len(_CLIENTS) >= _MAX_CLIENTS:
                del _CLIENTS[next(iter(_CLIENTS))]
            _CLIENTS[key] = found
        return found
