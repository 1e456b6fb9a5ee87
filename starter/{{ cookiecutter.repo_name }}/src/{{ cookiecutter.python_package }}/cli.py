"""The project's ``kedro run``: Kedro's own, ending on bad data with its message alone,
tracking ``--pipelines inference`` in its own MLflow experiment, and exporting
``--env`` as ``KEDRO_ENV`` (as ``kedro ipython --env`` does) for the pipeline registry.

Kedro loads this module's ``cli`` group for every command in the project; its ``run``
replaces Kedro's. A :class:`~{{ cookiecutter.python_package }}.user_errors.UserError` (a failed gate, a broken
contract, a drifted batch, an unknown run) or Kedro's ``DataValidationError`` anywhere
in the failure's chain ends the run with exit code 1 and the message, which says what
broke and how to fix it. ``SHOW_TRACEBACK=1`` keeps the traceback; any other error
keeps it always.
"""

from __future__ import annotations

import copy
import functools
import os
import re
from collections.abc import Callable
from typing import Any

import click
from kedro.framework.cli.project import run as kedro_run
from kedro.validation import DataValidationError
from kedro_mlflow.pipeline.pipeline_ml import KedroMlflowPipelineMLError

from {{ cookiecutter.python_package }}.config import project_root
from {{ cookiecutter.python_package }}.contract.cleaning import CONTRACT_FILE
from {{ cookiecutter.python_package }}.contract.loading import ENV_VARIABLE, contract_file
from {{ cookiecutter.python_package }}.runs.tracking import experiment_params
from {{ cookiecutter.python_package }}.user_errors import UserError, causes

SHOW_TRACEBACK = "SHOW_TRACEBACK"
_USER_ERRORS = (UserError, DataValidationError)


def user_error(error: BaseException) -> BaseException | None:
    """The user error in ``error``'s chain of causes, if there is one."""
    return next((c for c in causes(error) if isinstance(c, _USER_ERRORS)), None)


def short_message(error: BaseException) -> str | None:
    """What to print for ``error`` instead of its traceback, or None to keep it."""
    found = user_error(error)
    if found is None or os.environ.get(SHOW_TRACEBACK, "").lower() in ("1", "true"):
        return None
    # Kedro wraps a dataset's load error with the dataset's name: keep that prefix.
    message = str(error) if str(found) in str(error) else str(found)
    return f"{message}\n(the traceback: {SHOW_TRACEBACK}=1)"


def node_error(error: BaseException) -> BaseException:
    """The error a node raised, when kedro-mlflow's pipeline check raised over it.

    After a node fails, Kedro's runner filters the pipeline to suggest how to resume;
    kedro-mlflow's training pipeline refuses a part without the model's producers
    ("inputs are free for the inference pipeline"), and that error ended the run in
    place of the node's.
    """
    if isinstance(error, KedroMlflowPipelineMLError) and error.__context__ is not None:
        return error.__context__
    return error


def in_this_project(message: str, env: str | None) -> str:
    """``message`` with the configuration files it names in general (``conf/<env>/``)
    made this run's: the contract's, and any other as the run's environment has it,
    else as ``base`` has it (where a new one goes)."""
    message = message.replace(CONTRACT_FILE, contract_file(env))
    conf = project_root() / "conf"

    def located(match: re.Match[str]) -> str:
        own = env is not None and (conf / env / match[1]).exists()
        return f"conf/{env if own else 'base'}/{match[1]}"

    return re.sub(r"conf/<env>/([\w./-]*\w)", located, message)


def _ending_on_user_errors(callback: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        asked = [kwargs["pipeline"]] if kwargs.get("pipeline") else kwargs["pipelines"]
        kwargs["params"] = experiment_params(list(asked)) | dict(kwargs["params"] or {})
        if kwargs.get("env"):  # the pipelines are built from this environment's
            os.environ[ENV_VARIABLE] = kwargs["env"]  # contract (pipeline_registry)
        try:
            return callback(*args, **kwargs)
        except Exception as raised:
            error = node_error(raised)
            message = short_message(error)
            if message is None:
                if error is raised:
                    raise
                raise error from None
            env = kwargs.get("env")
            raise click.ClickException(in_this_project(message, env)) from None

    return run


@click.group(name="{{ cookiecutter.python_package }}")
def cli() -> None:
    """Project commands."""


run = copy.copy(kedro_run)
run.callback = _ending_on_user_errors(kedro_run.callback)  # type: ignore[arg-type]
cli.add_command(run)
