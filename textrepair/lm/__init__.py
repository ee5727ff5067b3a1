"""Character n-gram language models: estimation, ARPA I/O, numpy scoring."""

from .arpa import read_arpa, write_arpa
from .scorer import Model, State
from .train import NgramModel, estimate, train

__all__ = ["Model", "State", "NgramModel", "estimate", "train", "read_arpa", "write_arpa"]
