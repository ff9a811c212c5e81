"""Streamlit helpers shared by app.py and pages/: the cached store and the signed-in user."""
