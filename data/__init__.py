"""The data layer of backoffice: models, rules and safe storage. No UI imports."""
