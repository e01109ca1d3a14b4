from __future__ import annotations

from tests.e2e.conftest import emulator, live  # noqa: F401 (the same fixtures as tests/e2e)
