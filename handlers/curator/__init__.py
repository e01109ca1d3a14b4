"""The owner's and the curator's side: the programme card, links, registry, materials, announcements, digest and the life cycle (monitoring, completion, letters, practices, the next cycle)."""
