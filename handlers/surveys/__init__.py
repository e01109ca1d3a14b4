"""Walking a person through a questionnaire."""
