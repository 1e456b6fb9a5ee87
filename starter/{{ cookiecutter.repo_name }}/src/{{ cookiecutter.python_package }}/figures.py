"""Matplotlib figures for the plotting nodes, with matplotlib imported when one is drawn.

Kedro reads every node's type hints as a run starts (to validate its parameters), so a
node's return type must resolve without the library behind it; matplotlib takes 0.35 s
to import, a tenth of the start-up. Nodes say they return a :class:`Figure` (what the
catalog's ``matplotlib.MatplotlibDataset`` uses of one) and draw on :func:`new_figure`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import matplotlib.figure


class Figure(Protocol):
    """A drawn figure, as the catalog saves it."""

    def savefig(self, fname: Any, **kwargs: Any) -> None:
        """Write the figure to ``fname``."""


def new_figure(**kwargs: Any) -> matplotlib.figure.Figure:
    """An empty matplotlib figure (no pyplot, so no GUI backend): ``kwargs`` as
    ``Figure``'s (``figsize``...)."""
    from matplotlib.figure import Figure as MatplotlibFigure  # noqa: PLC0415

    return MatplotlibFigure(**kwargs)
