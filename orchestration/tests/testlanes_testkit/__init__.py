"""Helpers for tests of the orchestration and of its users: child pytest runs, in a lane or clean.

Test code only: neither distribution ships it.
"""
