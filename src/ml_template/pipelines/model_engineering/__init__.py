"""Fit preprocessing on the training split and train the PyTorch model."""
