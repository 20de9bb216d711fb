"""Helpers for the tests: hand-made catalogs, generated data, real files, the throwaway
PostgreSQL server and the optional ``../shared`` folder. No tests live here."""
