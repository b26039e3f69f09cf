"""Files `papersite init` copies into a new site (package data, not code)."""
