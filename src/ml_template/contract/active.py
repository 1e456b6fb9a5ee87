"""The contract of the current run, which the pipelines are wired from.

Kedro builds pipelines without configuration; the number and names of the raw sources,
though, are the contract's. The project hook activates the run's contract as soon as
the context exists (before any pipeline is built); tools that build pipelines without a
session (``kedro registry``) get the default environment's.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ml_template.contract.cleaning import CONTRACT_FILE, ContractError
from ml_template.contract.model import Contract

_active: Contract | None = None


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


def activate(contract: Contract | None) -> None:
    """Make ``contract`` the one pipelines are built from (``None`` to clear)."""
    global _active  # noqa: PLW0603 (one contract per run, set by the project hook)
    _active = contract


def active_contract() -> Contract:
    """The run's contract; without a session, the default environment's."""
    if _active is None:
        from ml_template.config import config_loader  # noqa: PLC0415

        activate(parse_contract(config_loader()["parameters"].get("contract")))
    return _active  # type: ignore[return-value]
