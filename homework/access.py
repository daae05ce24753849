"""Lookups of homework objects, each checked against who is asking (see clients/access.py).

Someone else's object is a 404.
"""
