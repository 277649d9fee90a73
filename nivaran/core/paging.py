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
        past_the_end = number > self.num_pages and not self.capped
        if past_the_end and (number != 1 or not self.allow_empty_first_page):
            raise EmptyPage(self.error_messages["no_results"])
        return int(number)

    def page(self, number: Any) -> CappedPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)
