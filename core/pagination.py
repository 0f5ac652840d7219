"""Lists whose cost does not grow with the history (issue 14).

Django's Paginator counts the whole filtered table to number the pages: at province scale that count
alone costs more than the page. `BoundedPaginator` counts at most `max_rows` rows (a LIMIT inside the
count's subquery, so PostgreSQL stops early) and shows "more than N" beyond that; the pages past the
bound are not offered. Each list's ORDER BY has an index (named for the list) so the page itself is a
short index scan whatever the offset within the bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

# 200 pages of 50: far beyond what anyone pages through; a search or filter narrows the rest.
MAX_COUNTED_ROWS = 10_000


class BoundedPaginator(Paginator[Any]):
    def __init__(
        self,
        object_list: Any,
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
        *,
        max_rows: int = MAX_COUNTED_ROWS,
        **kwargs: Any,
    ) -> None:
        # Positional like Django's own, so the admin can use it (ModelAdmin.paginator).
        super().__init__(object_list, per_page, orphans, allow_empty_first_page, **kwargs)
        self.max_rows = max_rows

    @cached_property
    def count(self) -> int:
        """The rows, counted up to `max_rows` + 1 (one query; the ORDER BY is dropped)."""
        object_list = self.object_list
        if hasattr(object_list, "order_by"):
            return int(object_list.order_by()[: self.max_rows + 1].count())
        # A sequence says its length (one that was read only as far as the page may know the rest's).
        return min(len(object_list), self.max_rows + 1)

    @property
    def truncated(self) -> bool:
        """More rows than counted: the list says 「超过 N 条」 and stops offering pages there."""
        return self.count > self.max_rows

    @property
    def shown_count(self) -> int:
        return min(self.count, self.max_rows)

    @cached_property
    def num_pages(self) -> int:
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, -(-self.shown_count // self.per_page))


def bounded_page(object_list: Any, per_page: int, number: str | int | None) -> Page[Any]:
    """The requested page of a bounded list (an out-of-range number gives the last page)."""
    return BoundedPaginator(object_list, per_page).get_page(number)


class ReadSoFar[T](Sequence[T]):
    """A list read only as far as the requested page, with how many rows there are in all (counted
    by a query of its own): what `BoundedPaginator` pages through when the rows come ranked and
    counted from elsewhere (the dashboard's sections, `portal.worklist`)."""

    def __init__(self, rows: list[T], total: int) -> None:
        self.rows = rows
        self.total = total

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self.rows[index]


class OpenEndedPage[T](Sequence[T]):
    """One page of a list that is not counted: its rows are read with one more than the page holds,
    which says whether a next page exists. For a list whose exact figures are shown elsewhere (the
    subsidies' month totals): no count at all, however long the list, and every row reachable page by
    page. The page number is taken as given (`number`, from 1); a page past the end is empty and
    says so (`past_the_end`), with the way back to the first."""

    # Far past any list's end, and an offset the database can still be asked for (a page number of
    # twenty digits would overflow its 64-bit OFFSET and fail the request).
    MAX_NUMBER = 1_000_000

    def __init__(self, object_list: Any, per_page: int, number: str | int | None) -> None:
        try:
            self.number = min(max(1, int(number or 1)), self.MAX_NUMBER)
        except (TypeError, ValueError):
            self.number = 1
        start = (self.number - 1) * per_page
        rows = list(object_list[start : start + per_page + 1])
        self.object_list: list[T] = rows[:per_page]
        self._has_next = len(rows) > per_page

    def __len__(self) -> int:
        return len(self.object_list)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self.object_list[index]

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def past_the_end(self) -> bool:
        return self.number > 1 and not self.object_list
