"""The administrators role group (its permissions are granted after migrate, see accounts.signals)."""

from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="administrators")


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="administrators").delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_role_groups")]
    operations = [migrations.RunPython(create_group, delete_group)]
