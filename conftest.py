"""Shared test fixtures for the whole workspace live in the platform library."""

pytest_plugins = ["partnerhub.testing"]
