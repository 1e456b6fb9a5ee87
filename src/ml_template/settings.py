"""Project settings: hooks, configuration patterns and the session store."""

from __future__ import annotations

from kedro.config import OmegaConfigLoader

from ml_template.hooks import ValidationHooks

HOOKS = (ValidationHooks(),)

CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    "config_patterns": {
        # One Great Expectations suite per gate: conf/<env>/expectations/<suite>.yml
        "expectations": ["expectations/**"],
    },
}
