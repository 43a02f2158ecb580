"""Demo data for `manage.py seed_demo` (SPEC §9): `small` for the demo, `national` for load tests."""
