"""The domains: their data files and their packages. Kept apart so start-up can name the
files without loading the models, and so the storage engine learns the domains from here."""

DOMAINS = ("calls", "mail", "stock", "machines", "people")
HR_DOMAIN = "people"  # every HR record; Unix permissions keep it from staff outside HR
# Each package declares COLLECTIONS (in __init__) and may offer agenda_groups (in views).
DOMAIN_PACKAGES = ("data.calls", "data.mail", "data.stock", "data.machines", "data.candidates", "data.staff")
