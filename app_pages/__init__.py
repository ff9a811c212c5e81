"""One screen per module, each a ``render()`` function that app.py registers with ``st.Page``."""
