"""Measure the model on the test split against baselines, with plots."""
