"""Organisations and programmes: creation, state, the curator's card, forms of mentorship, materials."""
