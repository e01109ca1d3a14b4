"""The Telegram side of each feature: routers that take updates and call services, and the
views that turn the services' plain data into texts and keyboards (docs/architecture.md). The
root router that puts them in order is bot/runtime/routers.py."""
