from odoo import fields, models
from odoo.tools import SQL

from .leak_sql import VALUE_GROUPS


class WorkshopLeakageContractRevenue(models.Model):
    """Recurring revenue: the posted invoices and credit notes of service
    contracts (SQL view), in the company currency, net of credit notes.

    Columns: id (= invoice id), invoice_id, contract_id, company_id,
    partner_id, user_id (the contract's account manager), invoice_date,
    currency_id (company), amount_untaxed (signed: credit notes negative).
    """

    _name = "workshop.leakage.contract.revenue"
    _inherit = "workshop.leakage.sql.report"
    _description = "Workshop Contract Revenue"
    _auto = False
    _order = "invoice_date desc, id desc"
    _rec_name = "invoice_id"

    invoice_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    contract_id = fields.Many2one("workshop.contract", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Account Manager", readonly=True)
    invoice_date = fields.Date(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_untaxed = fields.Monetary(
        string="Recurring Revenue", readonly=True, groups=VALUE_GROUPS
    )

    def _select(self):
        return SQL(
            """
            SELECT am.id, am.id AS invoice_id, am.workshop_contract_id AS contract_id,
                   am.company_id, wc.partner_id, wc.user_id,
                   COALESCE(am.invoice_date, am.date) AS invoice_date,
                   c.currency_id, am.amount_untaxed_signed AS amount_untaxed
            """
        )

    def _from(self):
        return SQL(
            """
              FROM account_move am
              JOIN workshop_contract wc ON wc.id = am.workshop_contract_id
              JOIN res_company c ON c.id = am.company_id
            """
        )

    def _where(self):
        return SQL(
            """
             WHERE am.state = 'posted'
               AND am.move_type IN ('out_invoice', 'out_refund')
            """
        )
