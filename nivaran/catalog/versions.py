"""The version of each department's category tree in the shared cache (Django's cache
framework: Redis in production, local memory in development and tests).

What the category pages keep in the cache (the pending counts of the tree, the
re-categorisation assistant's groups) is keyed on this version, so a catalog write (every
service of `catalog.services`, each of which appends a `CategoryChange` row and moves
grievances only through the workflow's `recategorise`) makes the next page view read afresh.
The version is bumped when the write is made and again when its transaction commits: a
reader that recounted in between (seeing the rows as they were before the commit) stored
its figures under a version nobody asks for any more.
"""

from __future__ import annotations

from nivaran.core import versions


def _key(department_id: int) -> str:
    return f"catalog:tree-version:{department_id}"


def tree_version(*, department_id: int) -> str:
    """The department's current version; a fresh one if the cache has none (first use, or
    evicted), so an entry from before an eviction is never read again."""
    return versions.version(_key(department_id))


def tree_changed(*, department_id: int) -> None:
    """A write of the department's tree, or of the types of its grievances, is being made."""
    versions.changed(_key(department_id))
