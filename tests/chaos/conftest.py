from tests.e2e.conftest import emulator, live  # noqa: F401 (the same fixtures as end-to-end tests)
