"""The spaCy pipeline: the English model plus gazetteer-driven entity components."""
from .pipeline import ModelNotFound, load_pipeline

__all__ = ["ModelNotFound", "load_pipeline"]
