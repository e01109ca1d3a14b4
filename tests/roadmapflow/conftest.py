from tests.e2e.conftest import emulator, live  # noqa: F401 (the live bot fixtures)
