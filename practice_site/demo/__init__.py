"""The site-wide demo: `python manage.py seed_demo` asks each app for its part."""
