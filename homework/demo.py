"""Demo practice, assignments and reflections for seed_demo."""


def seed_practices():
    """Returns the demo practices by short name; the blog embeds them in articles."""
    return {}


def seed(people, practices, blog):
    return {}
