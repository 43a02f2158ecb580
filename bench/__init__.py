"""`make bench`: the application at national scale on PostgreSQL, measured against the
limits of the machine — the database (SQL share), the admin site, PostgreSQL's COPY and /healthz.

Run `python -m bench --help` for options. Results: one table on stdout and bench-results/<time>.json.
"""
