"""The MLflow Model Registry: each completed training run's model, and the champion.

Every training run that logs a model registers it as a new version of one registered
model (``model_name`` in ``globals.yml``). The ``champion`` alias marks the version
batch inference and ``mlflow models serve`` use; the challenger gate
(``evaluation.challenge_champion``) decides whether a new version takes it. Moving it
back is a rollback::

    python -m {{ cookiecutter.python_package }}.runs.registry champion 3    # make rollback VERSION=3
    python -m {{ cookiecutter.python_package }}.runs.registry list          # versions, scores, the champion
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kedro.io import Version
from mlflow.artifacts import download_artifacts
from mlflow.exceptions import MlflowException

from {{ cookiecutter.python_package }}.datasets import FittedModelDataset
from {{ cookiecutter.python_package }}.quiet import silence_known_noise
from {{ cookiecutter.python_package }}.runs.project import project_paths, say
from {{ cookiecutter.python_package }}.runs.tracking import connect

if TYPE_CHECKING:
    from {{ cookiecutter.python_package }}.models import FittedModel

CHAMPION = "champion"
# The logged model's artifact that holds the fitted bundle (the served pipeline's input).
BUNDLE = "fitted_model"


@dataclass(frozen=True)
class RegisteredModel:
    """A registered version's fitted bundle, and where it came from."""

    fitted: FittedModel
    model_name: str
    version: str
    run_id: str | None


def _aliased(client: Any, model_name: str, alias: str) -> Any | None:
    """The version ``alias`` points at (version ``alias`` when it is a number, which
    must exist); None when the alias points at none yet."""
    if str(alias).isdigit():
        return client.get_model_version(model_name, str(alias))
    try:
        return client.get_model_version_by_alias(model_name, alias)
    except MlflowException as error:
        if error.error_code == "RESOURCE_DOES_NOT_EXIST":
            return None
        raise


def has_version(client: Any, model_name: str, alias: str = CHAMPION) -> bool:
    """Whether ``alias`` names a version yet (a version number must exist)."""
    return _aliased(client, model_name, alias) is not None


def load_registered(
    client: Any, model_name: str, alias: str = CHAMPION
) -> RegisteredModel | None:
    """The bundle of the version ``alias`` points at (or of version ``alias`` when it
    is a number); None when the alias points at none yet."""
    version = _aliased(client, model_name, alias)
    if version is None:
        return None
    # The version's source is ``models:/<model id>``; MLflow 3.17's SQLite store
    # returns the version without its ``model_id``.
    logged = client.get_logged_model(version.source.removeprefix("models:/"))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(
            download_artifacts(
                artifact_uri=f"{logged.artifact_location}/artifacts", dst_path=folder
            )
        )
        # The bundle's folder itself (models logged before the run froze it hold one
        # version folder of it: the newest is it).
        packed = root / BUNDLE
        bundle = FittedModelDataset(
            filepath=str(packed),
            version=None if (packed / "bundle.json").is_file() else Version(None, None),
        )
        return RegisteredModel(
            fitted=bundle.load(),
            model_name=model_name,
            version=str(version.version),
            run_id=version.run_id,
        )


def register(client: Any, model_uri: str, model_name: str, tags: dict[str, str]) -> str:
    """Register a logged model (``models:/<model id>``) as a new version; return its
    number. (``mlflow.register_model`` does the same and prints two lines per run.)"""
    try:
        client.get_registered_model(model_name)
    except MlflowException:
        client.create_registered_model(model_name)
    model_id = model_uri.removeprefix("models:/")
    version = client.create_model_version(
        model_name,
        source=model_uri,
        run_id=client.get_logged_model(model_id).source_run_id,
        tags=tags,
        model_id=model_id,
    )
    return str(version.version)


def champion_version(client: Any, model_name: str) -> str | None:
    """The version the ``champion`` alias points at now (None: no champion yet)."""
    return aliases(client, model_name).get(CHAMPION)


def set_champion(client: Any, model_name: str, version: str) -> None:
    """Point the ``champion`` alias at ``version`` (a promotion or a rollback)."""
    client.set_registered_model_alias(model_name, CHAMPION, version)


def aliased_runs(client: Any, model_name: str) -> set[str]:
    """The MLflow run ids of the versions an alias points at (kept by ``prune``)."""
    return {
        client.get_model_version(model_name, version).run_id
        for version in set(aliases(client, model_name).values())
    }


def aliases(client: Any, model_name: str) -> dict[str, str]:
    """Alias -> version number of the registered model (empty when not registered)."""
    try:
        aliases = client.get_registered_model(model_name).aliases
    except MlflowException:
        return {}
    return {alias: str(version) for alias, version in aliases.items()}


def _versions(client: Any, model_name: str) -> list[Any]:
    return sorted(
        client.search_model_versions(f"name = '{model_name}'"),
        key=lambda v: int(v.version),
    )


def main(argv: list[str] | None = None) -> None:
    """``champion VERSION`` (roll back, or forward) or ``list``."""
    silence_known_noise()
    paths = project_paths()
    parser = argparse.ArgumentParser(prog="python -m {{ cookiecutter.python_package }}.runs.registry")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the registered versions and the champion")
    champion = commands.add_parser("champion", help="make VERSION the champion")
    champion.add_argument("version")
    args = parser.parse_args(argv)
    client = connect(paths.tracking)
    name = paths.tracking.model_name
    versions = {str(v.version): v for v in _versions(client, name)}
    held_by = aliases(client, name)
    if args.command == "champion":
        if args.version not in versions:
            parser.error(
                f"{name} has no version {args.version}; "
                f"it has {', '.join(versions) or 'none'}."
            )
        set_champion(client, name, args.version)
        say(f"models:/{name}@{CHAMPION} is now version {args.version}.")
        return
    if not versions:
        say(
            f"No model is registered as {name} in {paths.tracking.tracking_uri} yet: "
            "`make run` trains one (the first becomes the champion)."
        )
        return
    for number, version in versions.items():
        tags = version.tags
        held = [alias for alias, v in held_by.items() if v == number]
        mark = f"  <- {', '.join(held)}" if held else ""
        say(
            f"{name} v{number}  run {tags.get('run', '?')}  "
            f"{tags.get('metric', '')} {tags.get('score', '')}{mark}",
        )


if __name__ == "__main__":
    main()
