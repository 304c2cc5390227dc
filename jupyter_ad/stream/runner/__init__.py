"""The stream runner: micro-batches from a source, scored, written to a sink."""
