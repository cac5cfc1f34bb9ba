"""Explorers for live teaching: ipywidgets controls over the models, answering within a tenth of a second."""
