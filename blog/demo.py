"""Demo articles for seed_demo."""


def seed(people, practices):
    """Returns the demo content other apps refer to, by name."""
    return {}
