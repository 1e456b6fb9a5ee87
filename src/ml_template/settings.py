"""Project settings: the hooks, the catalog class, how configuration is read.

Kedro reads this module; nothing in the package imports it.
"""

from ml_template.process import exit_without_collecting
from ml_template.quiet import silence_known_noise

silence_known_noise()  # before the imports below, which raise some of it
exit_without_collecting()

from kedro.config import OmegaConfigLoader  # noqa: E402

from ml_template import config  # noqa: E402
from ml_template.hooks import ProjectHooks  # noqa: E402
from ml_template.runs.catalog import RunCatalog  # noqa: E402

HOOKS = (ProjectHooks(),)
DATA_CATALOG_CLASS = RunCatalog
CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = config.CONFIG_LOADER_ARGS
