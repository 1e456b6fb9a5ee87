"""The gate report: one self-contained HTML page of a run's validation results.

Built from the results each gate keeps (Great Expectations' own JSON), with inline CSS
and no script or external asset, so it opens offline, from disk or from MLflow. A
failed gate's section is open and lists, per broken rule, where the rule comes from,
what was observed and a sample of the offending values.
"""

from __future__ import annotations

from html import escape
from typing import Any

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; color: #1b1f24; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.1rem; display: inline; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #d8dee4;
         vertical-align: top; }
th { background: #f3f5f7; }
code { font-size: .9em; }
.passed { color: #1a7f37; font-weight: 600; } .failed { color: #cf222e; font-weight: 600; }
details { border: 1px solid #d8dee4; border-radius: 6px; padding: .5rem 1rem;
          margin: .6rem 0; }
summary { cursor: pointer; }
"""


def gate_report(results: dict[str, dict[str, Any]], title: str) -> str:
    """The HTML page of ``results`` (suite -> GX validation result as JSON)."""
    failed = [suite for suite, result in results.items() if not result["success"]]
    verdict = (
        f'<span class="failed">{len(failed)} of {len(results)} gates failed</span>'
        if failed
        else f'<span class="passed">all {len(results)} gates passed</span>'
    )
    rows = "".join(_summary_row(suite, result) for suite, result in results.items())
    sections = "".join(_section(suite, result) for suite, result in results.items())
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>{verdict}. Every rule names its source: a field "
        "of the contract (<code>conf/&lt;env&gt;/contract.yml</code>) or a "
        "hand-written suite (<code>conf/&lt;env&gt;/expectations/&lt;suite&gt;.yml"
        "</code>).</p>"
        "<table><tr><th>gate</th><th>verdict</th><th>rules</th><th>broken</th>"
        f"<th>checked at</th></tr>{rows}</table>{sections}</body></html>\n"
    )


def _summary_row(suite: str, result: dict[str, Any]) -> str:
    statistics = result.get("statistics", {})
    checked = result.get("meta", {}).get("validation_time", "")
    return (
        f'<tr><td><a href="#{escape(suite)}">{escape(suite)}</a></td>'
        f"<td>{_verdict(result['success'])}</td>"
        f"<td>{statistics.get('evaluated_expectations', '')}</td>"
        f"<td>{statistics.get('unsuccessful_expectations', '')}</td>"
        f"<td>{escape(str(checked)[:19].replace('T', ' '))}</td></tr>"
    )


def _section(suite: str, result: dict[str, Any]) -> str:
    rules = "".join(_rule_row(item) for item in result["results"])
    opened = "" if result["success"] else " open"
    return (
        f'<details id="{escape(suite)}"{opened}><summary><h2>{escape(suite)}</h2> '
        f"{_verdict(result['success'])}</summary><table><tr><th>rule</th>"
        f"<th>source</th><th>verdict</th><th>observed</th></tr>{rules}</table>"
        "</details>"
    )


def _rule_row(item: dict[str, Any]) -> str:
    config = item["expectation_config"]
    arguments = ", ".join(
        f"{key}={value}"
        for key, value in config["kwargs"].items()
        if key != "batch_id" and value is not None
    )
    source = config.get("meta", {}).get("source", "")
    return (
        f"<tr><td><code>{escape(config['type'])}({escape(_short(arguments))})</code>"
        f"</td><td>{escape(source)}</td><td>{_verdict(item['success'])}</td>"
        f"<td>{escape(_observed(item.get('result') or {}))}</td></tr>"
    )


def _observed(result: dict[str, Any]) -> str:
    """What GX observed: a value, or how many rows broke the rule and a sample."""
    if "observed_value" in result:
        return f"observed {_short(str(result['observed_value']))}"
    if result.get("unexpected_count"):
        sample = result.get("partial_unexpected_list") or []
        return (
            f"{result['unexpected_count']} rows "
            f"({result.get('unexpected_percent', 0):.2f}%), e.g. {_short(str(sample))}"
        )
    return ""


def _verdict(success: bool) -> str:
    return (
        '<span class="passed">passed</span>'
        if success
        else '<span class="failed">FAILED</span>'
    )


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
