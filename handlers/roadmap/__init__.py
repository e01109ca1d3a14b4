"""The programme's roadmap: import, items, deadlines."""
