"""Distribution version, read by hatchling and exposed as ``__version__``."""

__version__ = "0.1.0"
