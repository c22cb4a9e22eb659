"""The storage engine: TinyDB made safe for several people at once, records and their gate,
repositories, audit, backups, archive, check, and records in and out as text. It knows the
office's data files by name (data/domains.py) and nothing of what their records mean."""
