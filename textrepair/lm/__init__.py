"""Character n-gram language models: estimation, ARPA I/O, numpy scoring."""

from .arpa import read_arpa, write_arpa
from .scorer import Interpolated, Model, Scorer, State
from .train import NgramModel, estimate, train

__all__ = [
    "Model",
    "Interpolated",
    "Scorer",
    "State",
    "NgramModel",
    "estimate",
    "train",
    "read_arpa",
    "write_arpa",
]
