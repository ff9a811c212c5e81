"""The JSON API under /api/v1 (FastAPI): a presentation layer like the CLI, over the same inbox use cases."""
