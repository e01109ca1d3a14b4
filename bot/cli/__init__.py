"""`mentorbot …`: run, migrate, demo, roadmap preview, backup, health."""
