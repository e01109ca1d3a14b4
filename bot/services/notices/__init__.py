"""Bot-initiated messages: the outbox, notices to curators, announcements and the weekly digest."""
