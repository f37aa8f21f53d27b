"""Print what the Bedrock instrumentation recorded: one line per span, then a per-model summary.

A span processor reads the finished spans (the same data any exporter gets); nothing here reaches into
the instrumentation itself.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any, Optional

from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


class SummaryProcessor(SpanProcessor):
    """Collects GenAI spans and prints them compactly."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[str, dict[str, Any]] = defaultdict(
            lambda: {
                "calls": 0,
                "errors": 0,
                "input": 0,
                "output": 0,
                "client": [],
                "server": [],
                "ttfc": [],
                "cost": None,  # stays None until a call of this model is priced: unknown, never zero
            }
        )
        self.span_count = 0

    @classmethod
    def install(cls) -> Optional[SummaryProcessor]:
        provider = trace.get_tracer_provider()
        if not isinstance(provider, TracerProvider):
            return None
        processor = cls()
        provider.add_span_processor(processor)
        return processor

    def on_end(self, span: ReadableSpan) -> None:
        attrs = dict(span.attributes or {})
        if attrs.get("gen_ai.provider.name") != "aws.bedrock":
            return
        seconds = ((span.end_time or 0) - (span.start_time or 0)) / 1e9
        model = str(attrs.get("gen_ai.request.model", "?"))
        error = attrs.get("error.type")
        inp, out = attrs.get("gen_ai.usage.input_tokens"), attrs.get("gen_ai.usage.output_tokens")
        server = attrs.get("aws.bedrock.invocation.latency")
        ttfc = attrs.get("gen_ai.response.time_to_first_chunk")
        details = [f"{k}={v}" for k, v in (("in", inp), ("out", out)) if v is not None]
        if ttfc is not None:
            details.append(f"first-chunk={ttfc * 1000:.0f}ms")
        if attrs.get("gen_ai.response.finish_reasons"):
            details.append("finish=" + ",".join(attrs["gen_ai.response.finish_reasons"]))
        if server is not None:
            details.append(f"bedrock={server * 1000:.0f}ms")
        if attrs.get("aws.bedrock.retry.count"):
            details.append(f"retries={attrs['aws.bedrock.retry.count']}")
        cost = attrs.get("aws.bedrock.usage.cost")
        if cost is not None:
            details.append(f"cost=${cost:.7f}")
        if error:
            details.append(f"error.type={error}")
        print(f"  span  {span.name:<58} {seconds * 1000:7.1f}ms  {' '.join(details)}")
        with self._lock:
            self.span_count += 1
            row = self._rows[model]
            row["calls"] += 1
            row["errors"] += 1 if error else 0
            row["input"] += int(inp or 0)
            row["output"] += int(out or 0)
            row["client"].append(seconds)
            if server is not None:
                row["server"].append(float(server))
            if ttfc is not None:
                row["ttfc"].append(float(ttfc))
            if cost is not None:
                row["cost"] = (row["cost"] or 0.0) + float(cost)

    def print_summary(self) -> None:
        header = (
            f"{'model':<44} {'calls':>5} {'errors':>6} {'in tok':>7} {'out tok':>7} {'p50':>8} {'p95':>8} "
            f"{'bedrock p50':>11} {'1st chunk p50':>13} {'cost USD':>10}"
        )
        print(
            "\nPer-model summary (client latency p50/p95; Bedrock's own model latency p50; "
            "time to first chunk p50 over streamed calls; estimated cost at list prices)"
        )
        print(header)
        print("-" * len(header))
        with self._lock:
            for model, row in sorted(self._rows.items()):
                server = f"{_percentile(row['server'], 0.5) * 1000:9.0f}ms" if row["server"] else f"{'-':>11}"
                ttfc = f"{_percentile(row['ttfc'], 0.5) * 1000:11.0f}ms" if row["ttfc"] else f"{'-':>13}"
                cost = f"{row['cost']:>10.6f}" if row["cost"] is not None else f"{'-':>10}"
                print(
                    f"{model:<44} {row['calls']:>5} {row['errors']:>6} {row['input']:>7} {row['output']:>7} "
                    f"{_percentile(row['client'], 0.5) * 1000:6.0f}ms {_percentile(row['client'], 0.95) * 1000:6.0f}ms "
                    f"{server} {ttfc} {cost}"
                )
