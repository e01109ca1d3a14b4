"""Everyone's basics: /start, settings, /mydata and /forget, cancel, errors, chat membership."""
