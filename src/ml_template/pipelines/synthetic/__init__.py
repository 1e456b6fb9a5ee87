"""Regenerate the bundled raw sample at any size (not part of the default run)."""
