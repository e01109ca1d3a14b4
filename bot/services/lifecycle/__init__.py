"""A programme's life cycle: monitoring surveys, completion, letters, good practices and the next cycle."""
