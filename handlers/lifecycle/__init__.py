"""The programme's life cycle: monitoring, completion, letters, practices."""
