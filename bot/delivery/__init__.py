"""Reliable delivery of bot-initiated messages: outbox store, renderer, rate limiter, sender."""
