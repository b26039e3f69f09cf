"""papersite: a static site generator for research-paper collections."""

__version__ = "0.1.0"
