"""Pages of long lists without counting every row on every page.

An exact `COUNT(*)` of a list costs what the list weighs: 100-300 ms for the 100,000
overdue grievances of a state at 1,000,000, on every page of every list. People and
integrators need the count only to know roughly how much there is; so lists count up to
`NIVARAN_LIST_COUNT_CAP` rows (a `LIMIT` under the count: an index scan that stops) and
beyond that say "at least that many". Pages past the cap are still served: whether there
is a next page is read as one row more than the page, not worked out from the count.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet

MAX_OFFSET = 10**9  # no list is longer; an OFFSET past bigint would be a database error


def count_cap() -> int:
    return int(settings.NIVARAN_LIST_COUNT_CAP)


def capped_count(rows: QuerySet[Any] | Sequence[Any], cap: int | None = None) -> tuple[int, bool]:
    """(how many, up to `cap`; whether there are more than `cap`)."""
    cap = count_cap() if cap is None else cap
    # A LIMIT under the count: the scan stops after cap + 1 rows.
    limited = rows.order_by().values("pk")[: cap + 1] if isinstance(rows, QuerySet) else rows
    n = limited.count() if isinstance(limited, QuerySet) else len(limited)
    return min(n, cap), n > cap


class CappedPage(Page):  # type: ignore[type-arg]
    def __init__(self, object_list: Any, number: int, paginator: CappedPaginator, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def next_page_number(self) -> int:
        # Known from the page's own read (one row more), not from a count read before it.
        if not self.more:
            raise EmptyPage(self.paginator.error_messages["no_results"])
        return self.number + 1


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Django's paginator with `count` capped (`capped` says so) and pages past it served."""

    capped = False

    @cached_property
    def count(self) -> int:
        n, self.capped = capped_count(self.object_list)  # type: ignore[arg-type]
        return n

    def validate_number(self, number: Any) -> int:
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if (number - 1) * self.per_page > MAX_OFFSET:  # past any list, and past bigint
            raise EmptyPage(self.error_messages["no_results"])
        past_the_end = number > self.num_pages and not self.capped
        if past_the_end and (number != 1 or not self.allow_empty_first_page):
            raise EmptyPage(self.error_messages["no_results"])
        return int(number)

    def get_page(self, number: Any) -> CappedPage:
        """As Django's: a number that is not one gives the first page, one past the end
        the last; for a capped list the last within the cap (its end is not counted)."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(max(1, self.num_pages))

    def page(self, number: Any) -> CappedPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)
