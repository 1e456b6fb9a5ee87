"""The data contract (``conf/<env>/contract.yml``): its model, its pandas cleaning and
the Great Expectations rules it generates for every layer."""

from ml_template.contract.cleaning import QUARANTINE_REASON, ContractError, clean
from ml_template.contract.model import Contract, Source, normalise

__all__ = [
    "QUARANTINE_REASON",
    "Contract",
    "ContractError",
    "Source",
    "clean",
    "normalise",
]
