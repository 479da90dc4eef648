"""Moving content types between app labels, as the split-by-subject migrations do."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from core.content_type_moves import content_types_move

pytestmark = pytest.mark.django_db


def test_a_moved_content_type_keeps_its_id_and_its_permissions():
    old = ContentType.objects.create(app_label="oldapp", model="thing")
    permission = Permission.objects.create(content_type=old, codename="view_thing", name="Can view thing")

    content_types_move(apps, models=["thing"], source="oldapp", target="newapp")

    moved = ContentType.objects.get(pk=old.pk)
    assert (moved.app_label, moved.model) == ("newapp", "thing")
    assert Permission.objects.get(pk=permission.pk).content_type_id == old.pk


def test_a_model_with_no_content_type_yet_is_left_to_post_migrate():
    content_types_move(apps, models=["nothing"], source="oldapp", target="newapp")
    assert not ContentType.objects.filter(model="nothing").exists()


def test_it_refuses_rather_than_merge_two_content_types_of_one_model():
    ContentType.objects.create(app_label="oldapp", model="thing")
    ContentType.objects.create(app_label="newapp", model="thing")
    with pytest.raises(RuntimeError, match="Both oldapp.thing and newapp.thing"):
        content_types_move(apps, models=["thing"], source="oldapp", target="newapp")
    assert ContentType.objects.filter(model="thing").count() == 2
