"""The InvokeModel response body the user reads, observed without being read for them.

``ObservedStreamingBody`` is a subclass of botocore's ``StreamingBody`` over botocore's body's own raw
stream and Content-Length, sharing its count of bytes read, handed back in a copy of the result dict. Every read is botocore's own code (so the same bytes, exceptions, timeouts,
Content-Length check, ``set_socket_timeout``, ``tell``, context manager and close), and what it
returned is shown to a ``BodyObserver``, which ends the call once. Only an exact ``StreamingBody`` is
replaced: stubs, mocks, ``BytesIO`` and botocore's own subclasses go back untouched.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Callable, Optional

from botocore.response import StreamingBody

from .body_observer import BodyObserver

# Builds the user's body in place of botocore's (None: leave it), given a factory of the observer
# (called only when the body is replaced, so no observer is left open for a body we did not take).
BodyReplacer = Callable[[Any, Callable[[], BodyObserver]], Optional[Any]]


class SharedBodyState:
    """What botocore's body and ours share: the count of bytes read lives on botocore's body
    (``_inner``), so a reference to botocore's body kept elsewhere (an ``after-call`` handler, a test's
    stub) reads on where ours stopped, as the same object would, and the Content-Length check holds for
    both. The raw stream and Content-Length never change: ours holds them too, so ``vars(body)`` shows
    them. ``_inner`` and the observer live in slots, outside ``vars()``. (A body's ``__dict__`` cannot be
    shared outright: ``io.IOBase`` does not let it be replaced.)

    Copies are bodies over the same call (each holds it; it ends when the last is dropped), each with its
    own count of bytes read, as ``copy.copy`` of botocore's body gives; pickled, a body is botocore's own
    again. ``_OBSERVER`` names the subclass's observer slot."""

    __slots__ = ()
    _OBSERVER = "_observer"
    _inner: Any

    @property
    def _amount_read(self) -> Any:
        return self._inner._amount_read

    @_amount_read.setter
    def _amount_read(self, value: Any) -> None:
        self._inner._amount_read = value

    def _share(self, inner: Any, observer: BodyObserver) -> None:
        self._inner = inner
        vars(self).update(_raw_stream=inner._raw_stream, _content_length=inner._content_length)
        setattr(self, self._OBSERVER, observer)
        observer.hold()

    def _twin(self, inner: Any) -> Any:
        twin = type(self).__new__(type(self))
        twin._share(inner, getattr(self, self._OBSERVER))
        return twin

    def __copy__(self) -> Any:
        return self._twin(copy.copy(self._inner))

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return self._twin(copy.deepcopy(self._inner, memo))

    def __reduce_ex__(self, protocol: Any) -> Any:
        # The observer (locks, the call) does not travel.
        return copy.copy(self._inner).__reduce_ex__(protocol)


class ObservedStreamingBody(SharedBodyState, StreamingBody):  # type: ignore[misc]
    """botocore's ``StreamingBody``, reporting what each read returned (``_observer``)."""

    __slots__ = ("_inner", "_observer")

    _observer: BodyObserver

    def __init__(self, inner: StreamingBody, observer: BodyObserver) -> None:
        self._share(inner, observer)

    def read(self, amt: Optional[int] = None) -> bytes:
        try:
            chunk: bytes = super().read(amt)
        except BaseException as exc:  # KeyboardInterrupt included: the call ends as that error
            self._observer.fail(exc)
            raise
        self._observer.on_read(chunk, amt)
        return chunk

    def readinto(self, b: Any) -> int:
        try:
            count: int = super().readinto(b)
        except BaseException as exc:
            self._observer.fail(exc)
            raise
        self._observer.on_read_into(b, count)
        return count

    def readlines(self) -> list[bytes]:
        try:
            lines: list[bytes] = super().readlines()
        except BaseException as exc:
            self._observer.fail(exc)
            raise
        self._observer.on_lines(lines)
        return lines

    def __exit__(self, *exc_info: Any) -> None:
        try:
            super().__exit__(*exc_info)
        finally:
            self._observer.close()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._observer.close()

    def __del__(self) -> None:
        # Like botocore's: the raw stream is not closed here. The call ends at the last read, once the
        # last body over it (copies included) is dropped.
        try:
            self._observer.release()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass


if not hasattr(StreamingBody, "readinto"):  # botocore < 1.35: the user's body has none either
    del ObservedStreamingBody.readinto


def observe_sync_body(body: Any, observer_for: Callable[[], BodyObserver]) -> Optional[Any]:
    """Our body in place of ``body`` when it is exactly botocore's ``StreamingBody``, else None.
    ``observer_for()`` builds the observer, only once the body is known to be replaced."""
    if type(body) is not StreamingBody:
        return None
    return ObservedStreamingBody(body, observer_for())


def parse_json(data: Any) -> Any:
    """JSON from bytes or text, or None when it is not JSON (or not UTF-8)."""
    try:
        return json.loads(data)
    except (ValueError, TypeError, RecursionError):
        return None
