"""Streamlit helpers shared by app.py and app_pages/: the cached store and the signed-in user."""
