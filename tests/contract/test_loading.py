"""The contract the pipelines are built from is the one of the run's environment."""

from __future__ import annotations

import pytest

from ml_template.contract import ContractError
from ml_template.contract.loading import check_run_env, load_contract
from tests.conftest import PROJECT_ROOT


@pytest.fixture
def live_project(monkeypatch: pytest.MonkeyPatch) -> None:
    """The live project's configuration, KEDRO_ENV unset."""
    monkeypatch.chdir(PROJECT_ROOT)
    monkeypatch.delenv("KEDRO_ENV", raising=False)


@pytest.mark.usefixtures("live_project")
def test_a_session_in_an_environment_with_another_contract_stops_and_says_why() -> None:
    learners = load_contract("learners")
    assert learners != load_contract()  # conf/learners has a contract of its own

    with pytest.raises(ContractError, match="Set KEDRO_ENV=learners"):
        check_run_env("learners", learners)


@pytest.mark.usefixtures("live_project")
def test_an_environment_with_the_same_contract_or_the_exported_one_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    check_run_env("test", load_contract("test"))  # conf/test keeps base's contract

    monkeypatch.setenv("KEDRO_ENV", "learners")  # as `kedro run --env learners` does
    check_run_env("learners", load_contract("learners"))
