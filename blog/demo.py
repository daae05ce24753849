"""Demo articles for seed_demo. Filled in by the blog."""


def seed(people):
    return {}
