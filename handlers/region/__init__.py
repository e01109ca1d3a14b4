"""The regional centre's routers (issue #22): see router.py."""
