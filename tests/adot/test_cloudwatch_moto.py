"""deploy/cloudwatch/ loaded into CloudWatch as moto's server emulates it on loopback: the dashboard body
through PutDashboard (read back unchanged, no validation messages), and every alarm of the
CloudFormation template, rendered with its defaults and with another model, through PutMetricAlarm,
read back with DescribeAlarms. moto's CloudFormation has no AWS::CloudWatch::Alarm, so the template's
intrinsics are resolved by tests/cloudwatch_refs.py; cfn-lint validates the template itself (tox -e adot)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

pytest.importorskip("moto.moto_server.werkzeug_app", reason="tox -e adot installs moto[server]")

from moto_server import moto_server

from cloudwatch_refs import DASHBOARD, load_template, render

API_FIELDS = ("AlarmName", "AlarmDescription", "Namespace", "MetricName", "Dimensions", "Statistic",
              "ExtendedStatistic", "Period", "EvaluationPeriods", "DatapointsToAlarm", "Threshold",
              "ComparisonOperator", "TreatMissingData", "Metrics", "AlarmActions")  # fmt: skip


@pytest.fixture(scope="module")
def cloudwatch() -> Any:
    with moto_server() as url:
        yield boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=url)


def test_dashboard_loads_and_reads_back(cloudwatch):
    body = DASHBOARD.read_text(encoding="utf-8")
    answer = cloudwatch.put_dashboard(DashboardName="bedrock-genai", DashboardBody=body)
    assert answer["DashboardValidationMessages"] == []
    stored = cloudwatch.get_dashboard(DashboardName="bedrock-genai")
    assert json.loads(stored["DashboardBody"]) == json.loads(body)
    widgets = json.loads(stored["DashboardBody"])["widgets"]
    assert len(widgets) == 13
    assert all(w["properties"]["region"] == "us-east-1" for w in widgets if w["type"] == "metric")


def put(cloudwatch: Any, alarms: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    for props in alarms.values():
        cloudwatch.put_metric_alarm(**{k: v for k, v in props.items() if k in API_FIELDS})
    names = [props["AlarmName"] for props in alarms.values()]
    found = cloudwatch.describe_alarms(AlarmNames=names)["MetricAlarms"]
    return {a["AlarmName"]: a for a in found}


@pytest.mark.parametrize("model", [None, "amazon.nova-pro-v1:0"])
def test_alarms_load_and_read_back(cloudwatch, model):
    alarms = render(load_template(), **({"ModelId": model} if model else {}))
    model = model or "anthropic.claude-3-haiku-20240307-v1:0"
    assert set(k for props in alarms.values() for k in props) <= set(API_FIELDS)  # nothing left unsent
    stored = put(cloudwatch, alarms)
    assert len(stored) == len(alarms) == 9
    for props in alarms.values():
        alarm = stored[props["AlarmName"]]
        assert alarm["AlarmName"].endswith(model)
        for field in ("Namespace", "MetricName", "Statistic", "ExtendedStatistic", "Period", "EvaluationPeriods",
                      "ComparisonOperator", "TreatMissingData"):  # fmt: skip
            assert alarm.get(field) == props.get(field), (props["AlarmName"], field)
        assert alarm["Threshold"] == float(props["Threshold"])
        if "Dimensions" in props:
            assert alarm["Dimensions"] == props["Dimensions"]
            assert {"Name": "gen_ai.request.model", "Value": model} in alarm["Dimensions"]
        if "Metrics" in props:
            assert [q["Id"] for q in alarm["Metrics"]] == ["cacheread", "input", "ratio"]
            assert alarm["Metrics"][2]["Expression"] == "FILL(cacheread, 0) / input"
            assert alarm["Metrics"][0]["MetricStat"]["Metric"]["Dimensions"][0] == {
                "Name": "gen_ai.request.model", "Value": model}  # fmt: skip
        assert alarm.get("AlarmActions", []) == []  # no topic given
    assert {a["ExtendedStatistic"] for a in stored.values() if "ExtendedStatistic" in a} == {"p95"}


def test_an_alarm_topic_becomes_the_alarm_action(cloudwatch):
    topic = "arn:aws:sns:us-east-1:123456789012:bedrock-alerts"
    alarms = render(load_template(), ModelId="meta.llama3-8b-instruct-v1:0", AlarmTopicArn=topic)
    stored = put(cloudwatch, alarms)
    assert {tuple(a["AlarmActions"]) for a in stored.values()} == {(topic,)}
