"""What kedro-viz shows of the gates at a node: its task preview, as text.

Gates sit on catalog entries, not in the DAG; a node where one fires carries the
``gate`` tag and this preview, which lists each gate, when it fires and its rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from kedro.pipeline.preview_contract import TextPreview

from ml_template.contract.expectations import generated_rules

if TYPE_CHECKING:
    from ml_template.contract import Contract

GATE_TAG = "gate"


def gate_preview(
    gates: dict[str, str], contract: Contract
) -> Callable[[], TextPreview]:
    """A preview function for a node: suite -> when it fires ("on load of usage_raw")."""

    def preview() -> TextPreview:
        lines = ["Great Expectations gates at this node:"]
        for suite, when in gates.items():
            kinds = Counter(kind for kind, _, _ in generated_rules(contract, suite))
            rules = ", ".join(f"{count} {kind}" for kind, count in kinds.most_common())
            lines += [f"\n{suite}, {when}: {sum(kinds.values())} rules", f"  {rules}"]
        lines.append(
            "\nRules come from conf/<env>/contract.yml, plus any hand-written in "
            "conf/<env>/expectations/<suite>.yml. Each run's verdicts: the gate report "
            "(data/08_reporting/validation/gate_report.html)."
        )
        return TextPreview(content="\n".join(lines))

    return preview
