"""The demo pet-supplies store (``storeops demo``): seeded data, summary and dashboard."""

from .generate import DEMO_AS_OF, demo_frames, demo_settings

__all__ = ["DEMO_AS_OF", "demo_frames", "demo_settings"]
