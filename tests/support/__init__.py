"""Helpers shared by test modules (test modules import only from here and use conftest fixtures)."""
