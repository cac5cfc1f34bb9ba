"""The Primary Care Innovation Academy teaching kit: models, data and widgets for the cases."""

__version__ = "0.1.0"
