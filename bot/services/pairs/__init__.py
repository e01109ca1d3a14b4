"""A pair's life after matching: pause, resume, complete, progress, plans."""
