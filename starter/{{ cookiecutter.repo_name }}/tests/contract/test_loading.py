"""The contract the pipelines are built from is the one of the run's environment, and
messages name the file it was read from."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.python_package }}.contract import ContractError
from {{ cookiecutter.python_package }}.contract.loading import check_run_env, contract_file, load_contract
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


def test_the_contracts_file_is_the_environments_own_or_bases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    for folder, name, text in [
        ("base", "contract.yml", "contract:\n  as_of_date: 2026-01-01\n"),
        ("local", "parameters.yml", "seed: 1\n"),
        ("mine", "parameters_data.yml", "seed: 2\ncontract:\n  sources: {}\n"),
    ]:
        (tmp_path / "conf" / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / "conf" / folder / name).write_text(text)
    monkeypatch.chdir(tmp_path / "conf")  # a command run below the project root

    assert contract_file() == "conf/base/contract.yml"  # local has none
    assert contract_file("mine") == "conf/mine/parameters_data.yml"
