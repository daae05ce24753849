from django.db import migrations


def make_home_page(apps, schema_editor):
    """Swap Wagtail's placeholder welcome page for our HomePage and point the site at it."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("blog.HomePage")

    placeholder_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    Page.objects.filter(content_type=placeholder_type, depth=2, slug="home").delete()
    root = Page.objects.get(depth=1)

    home_type, _ = ContentType.objects.get_or_create(app_label="blog", model="homepage")
    home = HomePage.objects.create(
        title="Home",
        draft_title="Home",
        slug="home",
        content_type=home_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale_id=root.locale_id,
    )
    root.numchild = 1
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page_id": home.pk,
                  "site_name": "Practice"},
    )


def remove_home_page(apps, schema_editor):
    apps.get_model("blog.HomePage").objects.filter(depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(make_home_page, remove_home_page)]
