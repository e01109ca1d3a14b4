"""People: accounts, joining by invitation, consent, access rights, /mydata and /forget."""
