from odoo import models
from odoo.tools import SQL


class ServiceReportMixin(models.AbstractModel):
    """An SQL report built from ``_select``, ``_from``, ``_where`` and
    ``_group_by``, as Odoo core splits its reports (project.report): a module
    adds a column by extending ``_select`` (and ``_from`` for a join)."""

    _name = "service.report.mixin"
    _description = "After-Sales SQL Report"
    _auto = False

    @property
    def _table_query(self):
        query = SQL("SELECT %s FROM %s WHERE %s", self._select(), self._from(), self._where())
        if group_by := self._group_by():
            query = SQL("%s GROUP BY %s", query, group_by)
        return query

    def _select(self):
        raise NotImplementedError

    def _from(self):
        raise NotImplementedError

    def _where(self):
        return SQL("TRUE")

    def _group_by(self):
        return SQL()
