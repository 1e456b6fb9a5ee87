"""The run's data contract, read from ``conf/<env>/contract.yml`` and validated.

The pipelines are wired from it (one cleaning node per source), so the pipeline
registry loads it once, for the environment Kedro runs in, and passes it to each
``create_pipeline``; the nodes get the same contract as ``params:contract``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ml_template.config import config_loader, project_root
from ml_template.contract.cleaning import CONTRACT_FILE, ContractError
from ml_template.contract.model import Contract

ENV_VARIABLE = "KEDRO_ENV"  # Kedro's: the environment a process runs in


def parse_contract(raw: Any) -> Contract:
    """Validate the ``contract`` parameters, with errors that say where and how to fix."""
    if raw is None:
        raise ContractError(
            f"No `contract:` in {CONTRACT_FILE}: the project needs one."
        )
    try:
        return Contract.model_validate(raw)
    except ValidationError as exc:
        problems = [
            f"  contract.{'.'.join(map(str, error['loc']))}: {error['msg']}"
            for error in exc.errors()
        ]
        raise ContractError(
            f"{CONTRACT_FILE} is not a valid contract:\n" + "\n".join(problems)
        ) from None


def run_env() -> str | None:
    """The environment this process runs in: ``KEDRO_ENV`` (which the project's
    ``kedro run --env`` sets, as Kedro's ``kedro ipython --env`` does)."""
    return os.environ.get(ENV_VARIABLE) or None


def load_contract(env: str | None = None) -> Contract:
    """The contract of ``env`` (default: ``local`` over ``base``) of the project
    around the working directory."""
    return parse_contract(config_loader(env)["parameters"].get("contract"))


def contract_file(env: str | None = None, root: Path | None = None) -> str:
    """The file ``env``'s contract is read from (default: ``local`` over ``base``),
    relative to the project: the first configuration file with a top-level
    ``contract:`` in the environment's folder, else in ``base``'s. Messages written
    without a project at hand name :data:`CONTRACT_FILE`; the command line puts this
    in its place. ``root``: the project's folder (default: around the working one)."""
    root = root or project_root()
    for folder in (env or "local", "base"):
        for path in sorted((root / "conf" / folder).rglob("*.y*ml")):
            if _defines_contract(path):
                return path.relative_to(root).as_posix()
    return CONTRACT_FILE


def _defines_contract(path: Path) -> bool:
    text = path.read_text(encoding="utf-8", errors="replace")
    return re.search(r"^contract\s*:", text, re.MULTILINE) is not None


def check_run_env(env: str | None, contract: Contract) -> None:
    """Fail when the session's environment has another contract than the one the
    pipelines are built from (``KEDRO_ENV``'s): a tool's ``--env`` that did not set
    ``KEDRO_ENV``, or a session started from Python."""
    if (env or None) == run_env() or load_contract(run_env()) == contract:
        return
    raise ContractError(
        f"This session runs in the `{env}` environment, whose contract differs from "
        f"the one the pipelines are built from, {ENV_VARIABLE}'s "
        f"({run_env() or 'unset: local over base'}). Set {ENV_VARIABLE}={env} for the command "
        f"(`{ENV_VARIABLE}={env} kedro viz run`); the project's `kedro run --env` "
        "sets it itself."
    )
