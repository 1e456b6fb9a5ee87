"""The data contract (``conf/<env>/contract.yml``): its model, its pandas cleaning and
the Great Expectations rules it generates for every layer."""

from {{ cookiecutter.python_package }}.contract.cleaning import QUARANTINE_REASON, ContractError, clean
from {{ cookiecutter.python_package }}.contract.model import Contract, Source, normalise

__all__ = [
    "QUARANTINE_REASON",
    "Contract",
    "ContractError",
    "Source",
    "clean",
    "normalise",
]
