"""machines: models and rules (see the issue that builds this section)."""

COLLECTIONS: list = []
