"""/start and joining a programme: invitation, consent (own or a guardian's), profile; a curator's joining by link too."""
