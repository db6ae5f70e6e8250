"""Data sources (SPEC section 8): accounts and signals read with SQL from
files (DuckDB, embedded) and databases (SQLAlchemy).

- :mod:`csplan.sources.url` - ``${NAME}`` urls, no written password, redaction
- :mod:`csplan.sources.statement` - one SELECT, checked before connecting
- :mod:`csplan.sources.connect` - running SQL: DuckDB or SQLAlchemy, read-only, timed
- :mod:`csplan.sources.values` - cells read as YAML reads values
- :mod:`csplan.sources.checks` - the DataSource documents' own checks
- :mod:`csplan.sources.accounts` - account rows merged with YAML accounts
- :mod:`csplan.sources.signals` - what scoring dates need; validate's row checks

Nothing here is imported unless a workspace has a DataSource document.
"""
