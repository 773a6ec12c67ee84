"""Reproducible Russian demo data, in parts by the part of the bank they fill; run by ``manage.py seed_demo``."""
