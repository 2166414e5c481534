"""The package version, at the bottom of the layers so that any layer may name it."""

__version__ = "0.8.0"
