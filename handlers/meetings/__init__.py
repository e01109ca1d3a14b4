"""Meetings: logging, planning, feedback, mentors' materials."""
