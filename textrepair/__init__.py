"""textrepair — restore damaged Chinese policy documents.

Public API (small and typed)::

    import textrepair
    textrepair.restore(text)                 # -> str, kind detected
    textrepair.repair(text, kind="ocr")      # -> Repair(text, kind, edits)
    textrepair.detect(text)                  # -> Detection(kind, confidence)
    textrepair.load_model(path=None)         # -> Model (numpy scorer)
    textrepair.collate([dropped, reprint])   # -> Collation(text, sources, disagreements)
"""

from .api import Detection, detect, load_model, repair, restore
from .collate import Collation, Source, collate
from .dropped.dropset import ShortTextWarning
from .dropped.restorer import FormatWarning, SpacingWarning
from .errors import InputError, ModelError, TextrepairError
from .lm.scorer import Model, State
from .types import Edit, Kind, Repair

__version__ = "0.1.0"

__all__ = [
    "restore",
    "repair",
    "detect",
    "load_model",
    "collate",
    "Collation",
    "Source",
    "Detection",
    "Edit",
    "Kind",
    "Repair",
    "Model",
    "State",
    "InputError",
    "ModelError",
    "TextrepairError",
    "FormatWarning",
    "ShortTextWarning",
    "SpacingWarning",
    "__version__",
]
