"""Paging long lists without reading every row of them for a deep page."""

from django.core.paginator import Paginator


class KeysFirstPaginator(Paginator):
    """A Paginator for querysets that reads a page in two steps: the keys of the page's rows,
    in the list's order (narrow rows, which the list's index can serve), then those rows, with
    what the list joins and prefetches. A deep page (an OFFSET of thousands) otherwise sorts
    every whole row of the list, joins included, to keep a page of them."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys).order_by()}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)
