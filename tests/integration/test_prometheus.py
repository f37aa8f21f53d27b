"""A real Prometheus scrapes an app instrumented with zero code (``opentelemetry-instrument``, metrics
through opentelemetry-exporter-prometheus); PromQL through its HTTP API returns the exact token sums the
emulator reported (cache reads and writes included), the exact number of model, agent and other calls,
latency quantiles, the throttle count and the cost per model, on the latest GenAI metric names; in the
compatibility mode (``OTEL_INSTRUMENTATION_BEDROCK_SEMCONV_COMPAT=v1.41``) the v1.41.0 names carry the
same values. Every dashboard expression, every query in docs/backends.md and both alert rule files
evaluate. Runs in ``tox -e integration`` (``BEDROCK_INTEGRATION=1``), which needs the ``prometheus`` and
``promtool`` binaries (Debian package ``prometheus``; CI installs it)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from bedrock_emulator import Reply, converse_body
from helpers import free_port

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"

pytestmark = pytest.mark.skipif(
    os.environ.get("BEDROCK_INTEGRATION") != "1", reason="integration tests run in tox -e integration"
)


def wait_for(check: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except Exception:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def binary(name: str) -> str:
    """The Prometheus binaries. Missing, the test is skipped on a developer's machine; CI (which installs
    them) sets BEDROCK_INTEGRATION_STRICT=1 so that a missing install step fails instead."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed: apt-get install prometheus (.ci/run does)"
        if os.environ.get("BEDROCK_INTEGRATION_STRICT") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
NOVA = "amazon.nova-micro-v1:0"
EMBED = "amazon.titan-embed-text-v2:0"
LLAMA = "meta.llama3-2-1b-instruct-v1:0"
# The nova answer metrics_app.py gets first: Bedrock's inputTokens excludes the prompt-cache tokens.
CACHED = {"inputTokens": 10, "outputTokens": 5, "cacheReadInputTokens": 2000, "cacheWriteInputTokens": 300}
# List prices, USD per million tokens (input, output), as shipped in cost/prices.json; nova-micro's cache
# reads have their own price, cache writes without one cost the input price.
PRICES = {HAIKU: (0.25, 1.25), NOVA: (0.035, 0.14), EMBED: (0.02, 0.0)}
NOVA_CACHE_READ_PRICE = 0.00875
# Every call once, whatever the mode: the alert rules' denominator, here over the raw counts. The
# compatibility mode records model and agent calls on gen_ai.client.operation.duration too.
OTHER_OPERATIONS = 'gen_ai_operation_name!~"chat|text_completion|generate_content|invoke_agent"'
ALL_CALLS = (
    "sum(gen_ai_client_inference_duration_seconds_count or gen_ai_invoke_agent_duration_seconds_count"
    f" or gen_ai_client_operation_duration_seconds_count{{{OTHER_OPERATIONS}}})"
)
RULES = {"latest": "bedrock-alerts.yml", "v1.41": "bedrock-alerts-v1.41.yml"}


@pytest.fixture(params=["latest", "v1.41"], ids=["latest", "v1.41-compat"])
def mode(request):
    """The semconv mode of the app: the default (latest names only), or the compatibility mode, which
    exports the v1.41.0 names beside them."""
    return request.param


@pytest.fixture
def app(emu, mode, tmp_path):
    """The instrumented app, serving /metrics on a free port until the test ends."""
    emu.script(Reply.error("ThrottlingException", "slow down"), model=HAIKU)
    emu.script(
        Reply.json(converse_body((0, 0), latency_ms=120) | {"usage": CACHED}, usage=(10, 5)), model=NOVA
    )
    emu.script(Reply.error("ValidationException", "bad input"), model=LLAMA)
    emu.script(Reply.error("ValidationException", "bad input"), model=EMBED)
    port = free_port()
    instrument = shutil.which("opentelemetry-instrument", path=str(Path(sys.executable).parent))
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": emu.url,
        "AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME": emu.url,
        "OTEL_TRACES_EXPORTER": "none",
        "OTEL_LOGS_EXPORTER": "none",
        "OTEL_METRICS_EXPORTER": "prometheus",
        "OTEL_EXPORTER_PROMETHEUS_HOST": "127.0.0.1",
        "OTEL_EXPORTER_PROMETHEUS_PORT": str(port),
        "OTEL_SERVICE_NAME": "bedrock-integration",
        "OTEL_INSTRUMENTATION_BEDROCK_SEMCONV_COMPAT": "none" if mode == "latest" else "v1.41",
    }
    process = subprocess.Popen(
        [instrument, sys.executable, str(Path(__file__).parent / "metrics_app.py")],
        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        yield port
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


@pytest.fixture
def prometheus(app, mode, tmp_path):
    """A real Prometheus on loopback, scraping the app every second, with the mode's alert rules loaded."""
    port = free_port()
    config = tmp_path / "prometheus.yml"
    rules = DEPLOY / "prometheus" / RULES[mode]
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        f"rule_files:\n  - {rules}\n"
        f"scrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['127.0.0.1:{app}']\n"
    )
    process = subprocess.Popen(
        [binary("prometheus"), f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: urllib.request.urlopen(f"{base}/-/ready", timeout=2).status == 200, 30, "prometheus")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def query(base: str, promql: str) -> list[Any]:
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
    answer = json.loads(urllib.request.urlopen(url, timeout=10).read())
    assert answer["status"] == "success", answer
    return list(answer["data"]["result"])


def by_error(base: str, series: str) -> dict[str, float]:
    """``sum by (error_type)`` of a series: error type ("" for successes) -> value."""
    answer = query(base, f"sum by (error_type) ({series})")
    return {sample["metric"].get("error_type", ""): float(sample["value"][1]) for sample in answer}


def scalar(base: str, promql: str) -> float:
    (sample,) = query(base, promql)
    return float(sample["value"][1])


def documented_promql() -> list[str]:
    """The queries in docs/backends.md's ```promql block, one a line."""
    text = (ROOT / "docs" / "backends.md").read_text()
    (block,) = re.findall(r"```promql\n(.*?)```", text, re.S)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_promql_over_scraped_metrics(emu, prometheus, mode):
    wait_for(
        lambda: query(prometheus, "gen_ai_client_inference_usage_input_tokens_total"), 30, "the first scrape"
    )
    time.sleep(4)  # a few more scrapes, so rate() over 1m has two samples
    # What the emulator served: 7 model calls (one haiku attempt throttled first) and a refused one, a
    # refused and a served embedding, an agent invocation whose trace holds two model calls (320/70).
    assert [(s.model_id, s.status) for s in emu.served if s.status != 200] == [
        (HAIKU, 429),
        (LLAMA, 400),
        (EMBED, 400),
    ]
    served = [s for s in emu.served if s.status == 200]
    model_calls = [s for s in served if s.operation in ("converse", "converse-stream")]
    (embedding,) = [s for s in served if s.model_id == EMBED]
    (agent,) = [s for s in served if s.operation == "invoke-agent"]
    assert (len(model_calls), agent.usage) == (7, (320, 70))
    cache_read, cache_write = CACHED["cacheReadInputTokens"], CACHED["cacheWriteInputTokens"]
    # Input tokens include the cache reads and writes; embeddings have no token metric.
    expected_input = sum(s.usage[0] for s in [*model_calls, agent]) + cache_read + cache_write
    expected_output = sum(s.usage[1] for s in [*model_calls, agent])
    tokens = 'sum(gen_ai_client_inference_usage_{}_tokens_total{{gen_ai_token_modality="unknown"}})'
    assert scalar(prometheus, tokens.format("input")) == expected_input
    assert scalar(prometheus, tokens.format("output")) == expected_output
    assert scalar(prometheus, tokens.format("cache_read_input")) == cache_read
    assert scalar(prometheus, tokens.format("cache_write_input")) == cache_write
    # One token histogram point per model call with usage: the 7 calls and the agent trace's 2.
    assert scalar(prometheus, "sum(gen_ai_client_inference_operation_input_tokens_sum)") == expected_input
    assert scalar(prometheus, "sum(gen_ai_client_inference_operation_output_tokens_count)") == 9

    assert by_error(prometheus, "gen_ai_client_inference_duration_seconds_count") == {
        "": 7,
        "ValidationException": 1,
    }
    assert scalar(prometheus, "sum(gen_ai_invoke_agent_duration_seconds_count)") == 1
    embeddings = 'gen_ai_client_operation_duration_seconds_count{gen_ai_operation_name="embeddings"}'
    assert by_error(prometheus, embeddings) == {"": 1, "ValidationException": 1}
    assert scalar(prometheus, ALL_CALLS) == 11
    quantile = "histogram_quantile({}, sum by (le) (gen_ai_client_inference_duration_seconds_bucket))"
    p50, p95 = scalar(prometheus, quantile.format(0.5)), scalar(prometheus, quantile.format(0.95))
    assert 0 < p50 <= 0.16  # loopback calls; the throttled call's back-off lands in the tail
    assert p95 >= p50
    assert scalar(prometheus, "sum(aws_bedrock_client_throttled_attempts_total)") == 1
    assert scalar(prometheus, "sum(gen_ai_client_inference_time_to_first_chunk_seconds_count)") == 2
    # The agent trace: two model calls, one tool call (0.2 s by Bedrock's timestamps).
    assert scalar(prometheus, "sum(gen_ai_invoke_agent_inference_calls_sum)") == 2
    assert scalar(prometheus, "sum(gen_ai_invoke_agent_tool_calls_sum)") == 1
    tool = query(prometheus, "sum by (gen_ai_tool_name) (gen_ai_execute_tool_duration_seconds_sum)")
    assert [(t["metric"]["gen_ai_tool_name"], float(t["value"][1])) for t in tool] == [
        ("get_weather", pytest.approx(0.2, abs=1e-9))
    ]

    expected_cost = dict.fromkeys(PRICES, 0.0)
    for s in [*model_calls, embedding]:
        rate_in, rate_out = PRICES[s.model_id]
        output = 0 if s is embedding else s.usage[1]  # the emulator's word count; embeddings bill input only
        expected_cost[s.model_id] += (s.usage[0] * rate_in + output * rate_out) / 1e6
    expected_cost[NOVA] += (cache_read * NOVA_CACHE_READ_PRICE + cache_write * PRICES[NOVA][0]) / 1e6
    by_model = {
        sample["metric"]["gen_ai_request_model"]: float(sample["value"][1])
        for sample in query(prometheus, "sum by (gen_ai_request_model) (aws_bedrock_client_cost_total)")
    }
    assert by_model == pytest.approx(expected_cost, rel=1e-9)

    v141 = 'gen_ai_client_token_usage_sum{{gen_ai_token_type="{}",gen_ai_operation_name!="embeddings"}}'
    if mode == "latest":
        # No v1.41.0 name, and gen_ai.client.operation.duration only for the two embeddings.
        assert (
            query(prometheus, '{__name__=~"gen_ai_client_token_usage_.*|gen_ai_client_operation_time.*"}')
            == []
        )
        assert scalar(prometheus, "sum(gen_ai_client_operation_duration_seconds_count)") == 2
    else:
        # The v1.41.0 names carry the same values: every call on gen_ai.client.operation.duration, the
        # token histogram (which also records the embedding's input tokens), time to first chunk of the
        # streams and of the agent's stream.
        assert scalar(prometheus, f"sum({v141.format('input')})") == expected_input
        assert scalar(prometheus, f"sum({v141.format('output')})") == expected_output
        embedding_tokens = 'sum(gen_ai_client_token_usage_sum{gen_ai_operation_name="embeddings"})'
        assert scalar(prometheus, embedding_tokens) == embedding.usage[0]
        assert scalar(prometheus, "sum(gen_ai_client_operation_duration_seconds_count)") == 11
        assert scalar(prometheus, "sum(gen_ai_client_operation_time_to_first_chunk_seconds_count)") == 3
        model_seconds = 'sum(gen_ai_client_operation_duration_seconds_sum{gen_ai_operation_name="chat"})'
        assert scalar(prometheus, model_seconds) == pytest.approx(
            scalar(prometheus, "sum(gen_ai_client_inference_duration_seconds_sum)"), rel=1e-12
        )

    # Every dashboard expression, and every query docs/backends.md shows, evaluates and returns data:
    # the app made every kind of call they show but guardrail interventions.
    dashboard = json.loads((DEPLOY / "grafana" / "bedrock-dashboard.json").read_text())
    expressions = [
        (panel["title"], target["expr"].replace("$__rate_interval", "1m"))
        for panel in dashboard["panels"]
        for target in panel["targets"]
    ]
    expressions += [("docs/backends.md", line) for line in documented_promql()]
    assert len(expressions) == 28 + 14
    for where, expr in expressions:
        result = query(prometheus, expr)
        if "aws_bedrock_guardrail_interventions_total" not in expr:
            assert result, f"{where}: {expr}"

    # The alert rules load and evaluate without errors.
    rules = json.loads(urllib.request.urlopen(f"{prometheus}/api/v1/rules", timeout=10).read())
    loaded = [r for g in rules["data"]["groups"] for r in g["rules"]]
    assert len(loaded) == 6
    wait_for(lambda: all(r.get("health") == "ok" for r in json.loads(
        urllib.request.urlopen(f"{prometheus}/api/v1/rules", timeout=10).read())["data"]["groups"][0]["rules"]), 10,
        "rule evaluation")  # fmt: skip


def test_compose_stack_config_is_valid():
    """The docker-compose stack is not started here (no Docker engine); its Prometheus configuration is
    checked by promtool and every file the compose file mounts exists."""
    yaml = pytest.importorskip("yaml")
    check = subprocess.run(
        [binary("promtool"), "check", "config", "prometheus.yml"],
        cwd=DEPLOY / "prometheus", capture_output=True, text=True,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    assert "SUCCESS: 6 rules found" in check.stdout
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    assert set(compose["services"]) == {"jaeger", "prometheus", "grafana"}
    mounts = [v.split(":")[0] for svc in compose["services"].values() for v in svc.get("volumes", [])]
    assert len(mounts) == 5
    for source in mounts:
        assert (DEPLOY / source).exists(), source
    for service in compose["services"].values():
        assert all(port.startswith("127.0.0.1:") for port in service.get("ports", []))


@pytest.mark.parametrize(
    "rules", ["bedrock-alerts.yml", "bedrock-alerts-v1.41.yml"], ids=["latest", "v1.41-compat"]
)
def test_alert_rules_pass_promtool(rules):
    """Both rule files (latest names; v1.41.0 names for the compatibility mode) load and pass their unit
    tests, in which each alert fires where it should and stays silent otherwise."""
    promtool = binary("promtool")
    folder = DEPLOY / "prometheus"
    check = subprocess.run([promtool, "check", "rules", rules], cwd=folder, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "SUCCESS: 6 rules found" in check.stdout
    unit = subprocess.run(
        [promtool, "test", "rules", rules.replace(".yml", ".test.yml")],
        cwd=folder, capture_output=True, text=True,
    )  # fmt: skip
    assert unit.returncode == 0, unit.stdout + unit.stderr
    assert "SUCCESS" in unit.stdout
