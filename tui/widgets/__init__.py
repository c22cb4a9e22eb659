"""Widgets shared by every section, one module each (imported directly, so start-up loads only what the first screen needs)."""
