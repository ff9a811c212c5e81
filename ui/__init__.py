"""Helpers shared by router.py and app_pages/ (the shared store, the signed-in member), and HTTP routes."""
