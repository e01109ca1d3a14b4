"""Files the bot reads at run time (translations, survey definitions, demo data, migrations)
ship inside its packages and are found through importlib.resources, so an editable install, a
wheel in site-packages and a Docker image all find the same files."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def package_dir(package: str, *parts: str) -> Path:
    """The directory (or file) `parts` inside an importable package, on disk."""
    found = resources.files(package).joinpath(*parts)
    if not isinstance(found, Path):
        # Babel, Alembic and the survey loader read directories; a wheel installs unpacked.
        raise RuntimeError(f"{package} must be installed on disk, not imported from an archive")
    return found
