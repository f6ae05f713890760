import pytest

from tests.factories import CatalogueEditorFactory
from training.models import Topic


@pytest.fixture
def editor(db):
    return CatalogueEditorFactory(name="Eda Editor", email="editor@example.edu")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def empty_catalogue(db):
    """Without the nine topics the data migration seeds, for tests that count topics."""
    Topic.history.all().delete()
    Topic.objects.all().delete()
