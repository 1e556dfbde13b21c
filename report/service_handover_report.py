from odoo import fields, models
from odoo.tools import SQL

from ..models.sale_order_handover import HANDOVER_STATES


class ServiceHandoverReport(models.Model):
    """Handovers from sales to the service department: one row per confirmed
    order whose handover started. Computed by PostgreSQL."""

    _name = "service.handover.report"
    _inherit = ["service.report.mixin"]
    _description = "Handover Analysis"
    _auto = False
    _rec_name = "order_id"
    _order = "date_order desc, id desc"

    order_id = fields.Many2one("sale.order", string="Sales Order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    service_user_id = fields.Many2one("res.users", string="Service Responsible", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date_order = fields.Datetime(string="Confirmed on", readonly=True)
    handover_date = fields.Datetime(string="Handed Over On", readonly=True)
    accepted_date = fields.Datetime(string="Accepted On", readonly=True)
    handover_state = fields.Selection(HANDOVER_STATES, readonly=True)
    handover_count = fields.Integer(string="Handovers", readonly=True)
    accepted_count = fields.Integer(string="Accepted", readonly=True)
    send_back_count = fields.Integer(string="Times Sent Back", readonly=True)
    lead_days = fields.Float(
        string="Lead Time (Days)",
        readonly=True,
        aggregator="avg",
        help="Days from the confirmation of the order to the acceptance of its handover.",
    )
    send_back_rate = fields.Float(
        string="Sent Back (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the handovers sent back to sales at least once.",
    )

    def _select(self):
        return SQL(
            """
            sale_order.id, sale_order.id AS order_id,
            partner.commercial_partner_id AS partner_id, sale_order.user_id,
            sale_order.team_id, sale_order.service_user_id, sale_order.company_id,
            sale_order.date_order, sale_order.handover_date,
            sale_order.handover_accepted_date AS accepted_date,
            sale_order.handover_state,
            1 AS handover_count,
            (sale_order.handover_state = 'accepted')::int AS accepted_count,
            COALESCE(sale_order.handover_send_back_count, 0) AS send_back_count,
            CASE WHEN sale_order.handover_state = 'accepted'
                 THEN EXTRACT(EPOCH FROM sale_order.handover_accepted_date
                                         - sale_order.date_order) / 86400.0
            END AS lead_days,
            CASE WHEN COALESCE(sale_order.handover_send_back_count, 0) > 0
                 THEN 100.0 ELSE 0.0 END AS send_back_rate
            """
        )

    def _from(self):
        return SQL("sale_order JOIN res_partner AS partner ON partner.id = sale_order.partner_id")

    def _where(self):
        return SQL("sale_order.state = 'sale' AND sale_order.handover_state != 'not_started'")
