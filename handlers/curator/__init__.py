"""The owner's and the curator's side: programmes, links, registry, materials, announcements, digest."""
