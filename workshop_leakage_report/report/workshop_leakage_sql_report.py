from odoo import models, tools
from odoo.tools import SQL

from .leak_facts import prepare_read


class WorkshopLeakageSqlReport(models.AbstractModel):
    """Base of the leakage reports that are PostgreSQL views: a report
    inherits it, sets ``_name`` and ``_auto = False`` and gives its query as
    named pieces an addon overrides (``_select``, ``_from``, ``_where``) or
    whole (``_query``);
    ``init()`` creates the view. A report reading the stored reconciliation
    facts sets ``_reads_leakage_facts``: its reads bring them up to date
    first (see ``leak_facts.prepare_read``)."""

    _name = "workshop.leakage.sql.report"
    _description = "Workshop Leakage: SQL View Report"
    _reads_leakage_facts = False

    def _select(self):
        """The SELECT clause of the view (``odoo.tools.SQL``)."""
        raise NotImplementedError(self._name)

    def _from(self):
        """The FROM clause (with its joins)."""
        raise NotImplementedError(self._name)

    def _where(self):
        """The WHERE clause, if any."""
        return SQL()

    def _query(self):
        """The query of the view: its pieces, or a whole query of its own."""
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    def init(self):
        if self._abstract:
            return
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )

    def _search(self, domain, offset=0, limit=None, order=None):
        if self._reads_leakage_facts:
            prepare_read(self.env)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _fetch_query(self, query, fields):
        if self._reads_leakage_facts:
            prepare_read(self.env)
        return super()._fetch_query(query, fields)
