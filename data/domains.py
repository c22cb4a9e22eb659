"""The domains: their data files and their packages. Kept apart so start-up can name the
files without loading the models, and so the storage engine learns the domains from here."""

DOMAINS = ("calls", "mail", "stock", "machines", "people")
HR_DOMAIN = "people"  # every HR record; Unix permissions keep it from staff outside HR
# Each package declares COLLECTIONS (in __init__) and may offer agenda_groups (in views).
DOMAIN_PACKAGES = ("data.calls", "data.mail", "data.stock", "data.machines", "data.candidates", "data.staff")
# Where each collection is declared and which domain's file holds it, so that a command about
# one record loads one domain's models, not six (tests/data/test_file_layout.py holds this to
# the packages' own COLLECTIONS; a collection not named here is found by loading them all).
COLLECTION_HOMES = {
    **dict.fromkeys(("calls", "faxes", "contacts"), ("data.calls", "calls")),
    **dict.fromkeys(("mail", "mail_cursors"), ("data.mail", "mail")),
    **dict.fromkeys(("hr_mail", "hr_mail_cursors"), ("data.mail", "people")),
    **dict.fromkeys(("supplies", "stock_movements", "orders", "suppliers", "count_sessions"), ("data.stock", "stock")),
    **dict.fromkeys(("machines", "meter_readings", "tickets", "supply_levels", "maintenance_plans"), ("data.machines", "machines")),
    **dict.fromkeys(("positions", "candidates", "interviews"), ("data.candidates", "people")),
    **dict.fromkeys(("employees", "staff_events"), ("data.staff", "people")),
}
