"""Packaged survey definitions (*.json); a package so setuptools ships the data files."""
