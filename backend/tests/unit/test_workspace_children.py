"""Rules collections and tags share as things a workspace owns: each test runs for both."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from catalog.domain.errors import Conflict, NotFound
from catalog.domain.inputs import CollectionCreate, TagCreate
from catalog.services import collections, tags

# (use case creating a child, its input model, the seed helper making one)
CHILDREN = [
    pytest.param(collections.create_collection, CollectionCreate, "collection", id="collection"),
    pytest.param(tags.create_tag, TagCreate, "tag", id="tag"),
]


@pytest.mark.parametrize(("create", "data_class", "seed_method"), CHILDREN)
def test_create_in_missing_workspace_is_not_found(
    uow_factory, create: Callable[..., Any], data_class: type, seed_method: str
) -> None:
    with pytest.raises(NotFound) as raised:
        create(uow_factory(), 99, data_class(name="Docs"))
    assert raised.value.entity == "workspace"


@pytest.mark.parametrize(("create", "data_class", "seed_method"), CHILDREN)
def test_slugs_are_unique_per_workspace(
    uow_factory, seed, create: Callable[..., Any], data_class: type, seed_method: str
) -> None:
    workspace = seed.workspace()
    getattr(seed, seed_method)(workspace, "Docs")
    with pytest.raises(Conflict):
        # Slugs are derived case-insensitively from the name.
        create(uow_factory(), workspace.id, data_class(name="DOCS"))
