"""papersite: a static site generator for research-paper collections (version: pyproject.toml)."""
