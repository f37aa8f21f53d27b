"""Reading deploy/cloudwatch/: the CloudFormation alarm template (its short-form tags, Ref/Sub/If resolved
with the parameters' defaults or given values) and the dashboard body, down to the metrics each names."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
ALARMS = ROOT / "deploy" / "cloudwatch" / "bedrock-alarms.yaml"
DASHBOARD = ROOT / "deploy" / "cloudwatch" / "bedrock-dashboard.json"
COLLECTOR = ROOT / "deploy" / "adot" / "collector.yaml"
NO_VALUE = object()


class _Loader(yaml.SafeLoader):
    pass


def _tag(name: str) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {name: value}

    return construct


for _short, _long in (("!Ref", "Ref"), ("!Sub", "Fn::Sub"), ("!If", "Fn::If"), ("!Not", "Fn::Not"),
                      ("!Equals", "Fn::Equals")):  # fmt: skip
    _Loader.add_constructor(_short, _tag(_long))


def load_template(path: Path = ALARMS) -> dict[str, Any]:
    return dict(yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader))


def render(template: dict[str, Any], **params: Any) -> dict[str, dict[str, Any]]:
    """Alarm name -> its Properties with every intrinsic resolved (parameters: defaults unless given)."""
    values = {name: spec.get("Default") for name, spec in template["Parameters"].items()}
    values.update(params)
    conditions: dict[str, bool] = {}

    def resolve(node: Any) -> Any:
        if isinstance(node, dict) and len(node) == 1:
            ((key, arg),) = node.items()
            if key == "Ref":
                return NO_VALUE if arg == "AWS::NoValue" else values[arg]
            if key == "Fn::Sub":
                return re.sub(r"\$\{([^}]+)\}", lambda m: str(values[m.group(1)]), arg)
            if key == "Fn::If":
                name, then, other = arg
                return resolve(then if conditions[name] else other)
            if key == "Fn::Not":
                return not resolve(arg[0])
            if key == "Fn::Equals":
                return resolve(arg[0]) == resolve(arg[1])
        if isinstance(node, dict):
            out = {k: resolve(v) for k, v in node.items()}
            return {k: v for k, v in out.items() if v is not NO_VALUE}
        if isinstance(node, list):
            return [v for v in (resolve(item) for item in node) if v is not NO_VALUE]
        return node

    for name, expression in template.get("Conditions", {}).items():
        conditions[name] = bool(resolve(expression))
    return {
        name: resolve(resource["Properties"])
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    }


class MetricRef:
    """One metric an artefact names: namespace, metric name, dimension names (and fixed values)."""

    __slots__ = ("dimensions", "metric", "namespace", "source", "stat")

    def __init__(self, source: str, namespace: str, metric: str, dimensions: dict[str, Optional[str]],
                 stat: str) -> None:  # fmt: skip
        self.source = source
        self.namespace = namespace
        self.metric = metric
        self.dimensions = dimensions
        self.stat = stat

    def __repr__(self) -> str:
        return f"{self.source}: {self.metric} {self.dimensions} {self.stat}"


_SEARCH = re.compile(
    r"SEARCH\('\{(?P<schema>[^}]*)\} MetricName=\"(?P<metric>[^\"]+)\"'\s*,\s*'(?P<stat>[^']+)'"
)


def dashboard_refs(body: Optional[dict[str, Any]] = None) -> list[MetricRef]:
    body = body if body is not None else json.loads(DASHBOARD.read_text(encoding="utf-8"))
    refs = []
    for widget in body["widgets"]:
        properties = widget.get("properties", {})
        for row in properties.get("metrics", []):
            for item in row:
                if isinstance(item, dict) and "expression" in item:
                    for match in _SEARCH.finditer(item["expression"]):
                        namespace, *dimensions = [part.strip() for part in match.group("schema").split(",")]
                        refs.append(MetricRef(properties["title"], namespace, match.group("metric"),
                                              dict.fromkeys(dimensions), match.group("stat")))  # fmt: skip
    return refs


def alarm_refs(alarms: dict[str, dict[str, Any]]) -> list[MetricRef]:
    refs = []
    for name, props in alarms.items():
        if "MetricName" in props:
            stat = props.get("Statistic") or props["ExtendedStatistic"]
            refs.append(MetricRef(name, props["Namespace"], props["MetricName"],
                                  {d["Name"]: d["Value"] for d in props["Dimensions"]}, stat))  # fmt: skip
        for query in props.get("Metrics", []):
            if "MetricStat" in query:
                metric = query["MetricStat"]["Metric"]
                refs.append(MetricRef(name, metric["Namespace"], metric["MetricName"],
                                      {d["Name"]: d["Value"] for d in metric["Dimensions"]},
                                      query["MetricStat"]["Stat"]))  # fmt: skip
    return refs


def collector_dimension_sets(path: Path = COLLECTOR) -> list[frozenset[str]]:
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    declarations = config["exporters"]["awsemf"]["metric_declarations"]
    return [frozenset(dims) for declaration in declarations for dims in declaration["dimensions"]]


def collector_selectors(path: Path = COLLECTOR) -> list[str]:
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        s for d in config["exporters"]["awsemf"]["metric_declarations"] for s in d["metric_name_selectors"]
    ]
