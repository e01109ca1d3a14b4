"""Matching, preferences and the pair's plan."""
