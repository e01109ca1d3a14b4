"""Everyone's basics: settings, /mydata and /forget, cancel, errors, chat membership."""
