"""The hyper-parameters a hyper-parameter search found, for training to use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kedro.io import AbstractDataset, DatasetError, Version

from {{ cookiecutter.python_package }}.datasets.json import JSONDataset
from {{ cookiecutter.python_package }}.runs.records import LATEST, RunStore, UnknownRunError

_SEARCH_OUTPUT = "best_hyperparameters"


class TunedHyperparametersDataset(AbstractDataset[None, dict[str, Any]]):
    """Loads a completed search's ``best_hyperparameters``, or nothing.

    ``use`` is ``false`` (training keeps its configured hyper-parameters: loads
    ``{}``), ``true`` (those of the latest completed search) or a search run's version
    or MLflow run id. Only completed runs count (``data/runs/``). Read-only.

    Example::

        tuned_hyperparameters:
          type: {{ cookiecutter.python_package }}.datasets.tuning.TunedHyperparametersDataset
          use: ${runtime_params:tuned,false}
    """

    def __init__(
        self,
        *,
        use: bool | str = False,
        data_dir: str = "data",
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self.use = str(use)
        self.data_dir = Path(data_dir)
        self.metadata = metadata

    def load(self) -> dict[str, Any]:
        """The search's best ``model`` and ``training`` settings, and its run."""
        run = self._run()
        if run is None:
            return {}
        try:
            record = self._store().find(run, {_SEARCH_OUTPUT})
        except UnknownRunError:
            which = "" if run == LATEST else f" {run!r}"
            raise UnknownRunError(
                f"--params tuned={self.use} asks for the hyper-parameters of a "
                f"completed search{which}, and there is none: run `make tune` "
                "(`kedro run --pipelines tuning`) first, or train without `tuned`."
            ) from None
        version = record.datasets[_SEARCH_OUTPUT]
        best = JSONDataset(
            filepath=str(self.data_dir / "06_models" / f"{_SEARCH_OUTPUT}.json"),
            version=_version(version),
        ).load()
        return best | {"tuning_run": record.version}

    def save(self, data: None) -> None:
        """Refused: ``kedro run --pipelines tuning`` writes ``best_hyperparameters``."""
        raise DatasetError(
            "tuned_hyperparameters is read-only: `kedro run --pipelines tuning` "
            f"saves {_SEARCH_OUTPUT}."
        )

    def _exists(self) -> bool:
        run = self._run()
        if run is None:
            return True
        try:
            self._store().find(run, {_SEARCH_OUTPUT})
        except UnknownRunError:
            return False
        return True

    def _run(self) -> str | None:
        """The search run ``use`` asks for, or None when it asks for none."""
        flag = self.use.lower()
        if flag in ("false", "no", "0", ""):
            return None
        return LATEST if flag in ("true", "yes", "1") else self.use

    def _store(self) -> RunStore:
        return RunStore(self.data_dir / "runs")

    def _describe(self) -> dict[str, Any]:
        return {"use": self.use, "data_dir": str(self.data_dir)}


def _version(version: str) -> Any:
    return Version(version, None)
