from odoo import fields, models
from odoo.tools import SQL

from ..models.service_history_case import CASE_STATES


class ServiceCaseReport(models.Model):
    """Cases (complaints, repairs, service requests): one row per case, with
    whether a follow-up's low score opened it, how long it took to resolve and
    whether it went past its deadline. Computed by PostgreSQL."""

    _name = "service.case.report"
    _inherit = ["service.report.mixin"]
    _description = "Case Analysis"
    _auto = False
    _rec_name = "case_id"
    _order = "date desc, id desc"

    case_id = fields.Many2one("service.history", readonly=True)
    type_id = fields.Many2one("service.history.type", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    owner_id = fields.Many2one("res.users", string="Case Owner", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    source = fields.Selection(
        [("staff", "Staff"), ("customer", "Customer (rating)"), ("portal", "Customer (portal)")],
        readonly=True,
    )
    date = fields.Datetime(string="Opened On", readonly=True)
    deadline = fields.Date(readonly=True)
    case_state = fields.Selection(CASE_STATES, readonly=True)
    case_count = fields.Integer(string="Cases", readonly=True)
    from_followup_count = fields.Integer(
        string="Opened by a Follow-up", readonly=True, help="Opened by a low follow-up score."
    )
    resolved_count = fields.Integer(string="Resolved", readonly=True)
    late_count = fields.Integer(
        string="Past Deadline",
        readonly=True,
        help="Resolved after their deadline, or still open past it.",
    )
    days_to_resolve = fields.Float(
        string="Days to Resolve", readonly=True, aggregator="avg", help="For resolved cases."
    )

    def _select(self):
        return SQL(
            """
            history.id, history.id AS case_id, history.type_id,
            history.commercial_partner_id AS partner_id, history.owner_id,
            history.company_id, history.source, history.date, history.deadline,
            history.case_state,
            1 AS case_count,
            (history.followup_id IS NOT NULL)::int AS from_followup_count,
            (history.case_state = 'resolved')::int AS resolved_count,
            (history.deadline IS NOT NULL AND (
                (history.case_state = 'resolved'
                 AND history.resolved_date::date > history.deadline)
                OR (history.case_state IN ('open', 'in_progress')
                    AND history.deadline < current_date)
            ))::int AS late_count,
            CASE WHEN history.case_state = 'resolved'
                 THEN EXTRACT(EPOCH FROM history.resolved_date - history.date) / 86400.0
            END AS days_to_resolve
            """
        )

    def _from(self):
        return SQL("service_history AS history")

    def _where(self):
        return SQL("history.is_case AND history.case_state IS NOT NULL")
