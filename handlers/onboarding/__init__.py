"""Joining a programme: invitation, consent, profile."""
