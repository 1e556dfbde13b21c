from odoo import fields, models
from odoo.tools import SQL


class ServiceSatisfactionReport(models.Model):
    """Customer satisfaction: one row per rated service contact (contacts not
    rated are left out, so averages are true averages). The product is the
    contact's own, else the first product of its order."""

    _name = "service.satisfaction.report"
    _inherit = ["service.report.mixin"]
    _description = "Satisfaction Analysis"
    _auto = False
    _rec_name = "summary"
    _order = "date desc, id desc"

    history_id = fields.Many2one("service.history", string="Service Contact", readonly=True)
    summary = fields.Char(readonly=True)
    date = fields.Datetime(readonly=True)
    type_id = fields.Many2one("service.history.type", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    order_id = fields.Many2one("sale.order", string="Sales Order", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    salesperson_id = fields.Many2one("res.users", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Done by", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    satisfaction_score = fields.Float(
        string="Satisfaction", readonly=True, aggregator="avg", help="From 1 to 5."
    )
    rated_count = fields.Integer(string="Rated Contacts", readonly=True)
    dissatisfied_count = fields.Integer(
        string="Dissatisfied", readonly=True, help="Contacts rated 1 or 2."
    )

    def _select(self):
        return SQL(
            """
            history.id, history.id AS history_id, history.summary, history.date,
            history.type_id, history.commercial_partner_id AS partner_id,
            history.order_id, product.id AS product_id, template.categ_id,
            sale_order.user_id AS salesperson_id, sale_order.team_id,
            history.user_id, history.company_id, history.satisfaction_score,
            1 AS rated_count,
            (history.satisfaction_score <= 2)::int AS dissatisfied_count
            """
        )

    def _from(self):
        return SQL(
            """
            service_history AS history
            LEFT JOIN sale_order ON sale_order.id = history.order_id
            LEFT JOIN LATERAL (
                  SELECT line.product_id
                    FROM sale_order_line AS line
                   WHERE line.order_id = history.order_id AND line.product_id IS NOT NULL
                     AND line.display_type IS NULL AND NOT COALESCE(line.is_downpayment, FALSE)
                   ORDER BY line.sequence, line.id
                   LIMIT 1
                 ) AS first_line ON history.product_id IS NULL
            LEFT JOIN product_product AS product
                   ON product.id = COALESCE(history.product_id, first_line.product_id)
            LEFT JOIN product_template AS template ON template.id = product.product_tmpl_id
            """
        )

    def _where(self):
        return SQL("history.satisfaction != '0'")
