"""The command-line interface: ``main`` builds the root group and adds one module's commands per feature."""
