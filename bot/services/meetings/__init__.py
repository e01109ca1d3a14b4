"""Meetings of pairs: planning, logging, calendar files, cadence and nudges."""
