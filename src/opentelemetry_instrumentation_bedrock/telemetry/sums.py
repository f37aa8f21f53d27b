"""Monotonic sums kept in the process and reported through observable counters (``observable_sums``).

A synchronous counter ``add`` costs one full SDK record (attribute set hashed, aggregation found,
exemplar offered) on the caller's thread, per call. A sum needs none of that per call: ``ObservedSum``
adds the amount to a total per attribute set under a lock (bounded by the attributes' cardinality, as
the SDK's own aggregation is) and hands every total to the SDK at collection time. The exported
cumulative values are the same; delta readers get the SDK's difference of two cumulative totals (the
same integers for token counts; for the float cost, equal up to float rounding). What is lost is
exemplars on these counters: the histograms keep theirs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from threading import Lock
from typing import Any, Optional
from weakref import WeakKeyDictionary, WeakSet

from opentelemetry.metrics import CallbackOptions, Meter, Observation
from opentelemetry.util.types import AttributeValue

_all: WeakSet[ObservedSum] = WeakSet()


class ObservedSum:
    """A drop-in for a synchronous ``Counter``'s ``add``; the meter sees an observable counter."""

    __slots__ = ("__weakref__", "_lock", "_totals")

    def __init__(self, meter: Optional[Meter], name: str = "", unit: str = "", description: str = "") -> None:
        self._lock = Lock()
        # frozenset of the attribute items -> [attributes, total]; the list is updated in place.
        self._totals: dict[frozenset[tuple[str, AttributeValue]], list[Any]] = {}
        if meter is not None:  # ``None``: registered by ``observed_sum``
            meter.create_observable_counter(
                name, callbacks=[self._observe], unit=unit, description=description
            )
        _all.add(self)
        _register_fork_hook()

    def add(
        self, amount: float, attributes: Optional[Mapping[str, AttributeValue]] = None, context: Any = None
    ) -> None:
        """Add ``amount`` (non-negative, as a counter's) to the total of ``attributes``. ``context`` is
        accepted for the counter's signature; observations carry no exemplars."""
        if amount < 0:
            return  # a counter ignores negative amounts too
        attrs = attributes or {}
        key = frozenset(attrs.items())
        with self._lock:
            entry = self._totals.get(key)
            if entry is None:
                self._totals[key] = [dict(attrs), amount]
            else:
                entry[1] += amount

    def _observe(self, _options: CallbackOptions) -> Iterable[Observation]:
        with self._lock:
            snapshot = [(entry[0], entry[1]) for entry in self._totals.values()]
        return [Observation(total, attrs) for attrs, total in snapshot]

    def _after_fork(self) -> None:
        # A lock held by another thread at fork time would stay held in the child forever.
        self._lock = Lock()


# The SDK instrument -> the sum whose callback it calls. For a second observable counter of the same
# name on the same meter (``instrument()`` again after ``uninstrument()``) the SDK hands back the first
# instrument and never calls the new callback: the new sum must be the first one, or nothing it adds
# would be reported (a synchronous counter is shared the same way).
_by_instrument: WeakKeyDictionary[Any, ObservedSum] = WeakKeyDictionary()
_by_instrument_lock = Lock()
# A proxy instrument -> (meter scope, (name, unit, description)).
_proxy_identities: WeakKeyDictionary[Any, tuple[Any, tuple[str, str, str]]] = WeakKeyDictionary()


def observed_sum(meter: Meter, name: str, unit: str = "", description: str = "") -> ObservedSum:
    """The in-process sum behind the observable counter ``name`` of ``meter``: the one already reported
    through that SDK instrument if there is one, else a new one."""
    fresh = ObservedSum(None)
    instrument = meter.create_observable_counter(
        name, callbacks=[fresh._observe], unit=unit, description=description
    )
    try:
        with _by_instrument_lock:
            known = _by_instrument.get(instrument)
            if known is None:
                known = _through_proxy(meter, instrument, (name, unit, description))
            if known is not None:
                return known
            _by_instrument[instrument] = fresh
    except TypeError:  # an instrument that cannot be weakly referenced: its callback is ``fresh``'s
        pass
    return fresh


def _through_proxy(meter: Meter, instrument: Any, identity: tuple[str, str, str]) -> Optional[ObservedSum]:
    """The sum already behind the same SDK instrument through the API's proxies (an ``instrument()``
    before the global meter provider was set): every proxy of one name and scope becomes the SDK's
    first instrument of that name, and a real instrument may be the one a proxy made."""
    proxy = type(instrument).__name__.startswith("_Proxy")
    scope = tuple(getattr(meter, key, None) for key in ("name", "version", "schema_url")) if proxy else ()
    for other, total in list(_by_instrument.items()):
        if proxy:
            if _proxy_identities.get(other) == (scope, identity):
                return total
        elif getattr(other, "_real_instrument", None) is instrument:
            _by_instrument[instrument] = total
            return total
    if proxy:
        _proxy_identities[instrument] = (scope, identity)
    return None


_fork_hook = False


def _register_fork_hook() -> None:
    global _fork_hook
    if not _fork_hook and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_reinit_locks)
        _fork_hook = True


def _reinit_locks() -> None:
    global _by_instrument_lock
    _by_instrument_lock = Lock()
    for observed in list(_all):
        observed._after_fork()
