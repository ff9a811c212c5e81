"""Mutation testing driver (`make mutate`)."""
