"""A Plotly figure as a JSON file, saved atomically (see
:mod:`{{ cookiecutter.python_package }}.datasets.atomic`), previewed as a chart in kedro-viz.

kedro-datasets' ``plotly.JSONDataset`` does the same, but importing its package loads
every Plotly dataset it has, Jupyter's notebook format and a JSON-schema checker with
it: 1.7 s of every ``kedro run``'s start-up here, since kedro-mlflow builds every
catalog entry when the run starts. This one is kedro-datasets' ``json.JSONDataset``
holding the figure's JSON; Plotly is imported only to load a figure.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, NewType

from {{ cookiecutter.python_package }}.datasets.json import JSONDataset as _JSONFile

if TYPE_CHECKING:
    from plotly.graph_objects import Figure

# kedro-viz shows a dataset's preview by the name of its ``preview`` return type.
PlotlyPreview = NewType("PlotlyPreview", dict)


class JSONDataset(_JSONFile):
    """A Plotly figure as JSON; a local file appears whole or not at all.

    Example::

        evaluation_curves_plotly:
          type: {{ cookiecutter.python_package }}.datasets.plotly.JSONDataset
          filepath: data/08_reporting/plots/evaluation_curves.json
          versioned: true
    """

    def save(self, data: Figure) -> None:
        """Write the figure's JSON (Plotly's own encoding: arrays, dates, NaN)."""
        super().save(json.loads(data.to_json()))

    def load(self) -> Figure:
        """Read the figure back."""
        import plotly.io  # noqa: PLC0415 (only where a figure is read back)

        return plotly.io.from_json(json.dumps(super().load()))

    def preview(self) -> PlotlyPreview:
        """The figure's JSON, which kedro-viz draws as a chart."""
        return PlotlyPreview(_JSONFile.load(self))
