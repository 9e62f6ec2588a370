"""Paging long lists without reading every row of them for a deep page."""

from django.core.paginator import Paginator


class KeysFirstPaginator(Paginator):
    """A Paginator for querysets that reads a page in two steps: the keys of the page's rows,
    in the list's order (narrow rows, which the list's index can serve), then those rows, with
    what the list joins and prefetches. A deep page (an OFFSET of thousands) otherwise sorts
    every whole row of the list, joins included, to keep a page of them; a page past the middle
    is read from the end."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom > self.count - top and self.object_list.ordered:
            # Nearer the end: read from the end in the reverse order, so that the last page
            # skips as few rows as the first (the list's order must end with its key).
            from_end = self.object_list.reverse().values_list("pk", flat=True)
            keys = list(from_end[self.count - top : self.count - bottom])[::-1]
        else:
            keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys).order_by()}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)


def first_rows(queryset, count: int) -> list:
    """The first `count` rows of a list, read as KeysFirstPaginator reads a page: their keys
    in the list's order, then those rows with what the list joins. For the short lists of a
    page (a home page's "your accounts"), whose join the planner would otherwise make for
    every row of the list before keeping a few."""
    keys = list(queryset.values_list("pk", flat=True)[:count])
    rows = {row.pk: row for row in queryset.filter(pk__in=keys).order_by()}
    return [rows[key] for key in keys if key in rows]
