"""The life cycle's end-to-end tests use the meetings suite's world: the live bot against the
emulator, a manual clock driving its scheduler and sender, one seeded programme."""

from tests.meetings.conftest import emulator, world  # noqa: F401 (fixtures)
