"""The data files: one per domain. Kept apart so start-up can name them without the models."""

DOMAINS = ("calls", "stock", "machines", "people")
HR_DOMAIN = "people"  # every HR record; Unix permissions keep it from staff outside HR
