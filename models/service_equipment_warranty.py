"""Warranty and maintenance of the pieces: their intervals and the dates
counted from them, the warranty state, a maintenance done and the reminders
the dates plan."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain


class ServiceEquipment(models.Model):
    _inherit = "service.equipment"

    # === COMPUTE METHODS ===

    # One compute a field: a piece created with one interval given (an import,
    # RPC) computes the other alone, without resetting the given one to the
    # product's before the dates counted from it are computed.
    @api.depends("product_id")
    def _compute_warranty_months(self):
        for equipment in self:
            equipment.warranty_months = equipment.product_id.service_warranty_months

    @api.depends("product_id")
    def _compute_maintenance_months(self):
        for equipment in self:
            equipment.maintenance_months = equipment.product_id.service_maintenance_months

    @api.depends("date_start", "warranty_months")
    def _compute_warranty_end(self):
        for equipment in self:
            if equipment.date_start and equipment.warranty_months:
                equipment.warranty_end = equipment._add_months(
                    equipment.date_start, equipment.warranty_months
                )
            else:
                equipment.warranty_end = False

    @api.depends("date_start", "last_maintenance_date", "maintenance_months", "state")
    def _compute_next_maintenance_date(self):
        for equipment in self:
            base = equipment.last_maintenance_date or equipment.date_start
            if equipment.state == "in_service" and base and equipment.maintenance_months:
                equipment.next_maintenance_date = equipment._add_months(
                    base, equipment.maintenance_months
                )
            else:
                equipment.next_maintenance_date = False

    def _add_months(self, date, months):
        """``date`` plus ``months``, or a clear error where the result is past
        the last date Odoo stores (a date typed as 9999 instead of 2099)."""
        try:
            return date + relativedelta(months=months)
        except (OverflowError, ValueError) as error:
            raise ValidationError(
                self.env._(
                    "%(name)s: %(date)s plus %(months)s months is past the year 9999. "
                    "Check the dates of the piece.",
                    name=self.display_name or self.name or "",
                    date=date,
                    months=months,
                )
            ) from error

    @api.depends("warranty_end", "company_id.equipment_warranty_warning_days")
    @api.depends_context("date")
    def _compute_warranty_state(self):
        today = fields.Date.context_today(self)
        for equipment in self:
            end = equipment.warranty_end
            warning = timedelta(days=equipment.company_id.equipment_warranty_warning_days)
            if not end:
                equipment.warranty_state = "none"
            elif end < today:
                equipment.warranty_state = "expired"
            elif end <= today + warning:
                equipment.warranty_state = "expiring"
            else:
                equipment.warranty_state = "under"

    def _search_warranty_state(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        today = fields.Date.context_today(self)
        domains = {"none": Domain("warranty_end", "=", False)}
        domains["expired"] = Domain("warranty_end", "<", today)
        by_company = []
        for company in self.env["res.company"].sudo().search([]):
            limit = today + timedelta(days=company.equipment_warranty_warning_days)
            by_company.append((company, limit))
        domains["expiring"] = Domain.OR(
            Domain("company_id", "=", company.id)
            & Domain("warranty_end", ">=", today)
            & Domain("warranty_end", "<=", limit)
            for company, limit in by_company
        )
        domains["under"] = Domain.OR(
            Domain("company_id", "=", company.id) & Domain("warranty_end", ">", limit)
            for company, limit in by_company
        )
        domain = Domain.OR(domains[state] for state in value if state in domains)
        return domain if operator == "in" else ~domain

    # === BUSINESS METHODS ===

    def _register_maintenance(self, date):
        """A maintenance was done on these pieces on ``date``: the next one rolls
        forward from it, and the reminders follow."""
        later = self.filtered(
            lambda e: not e.last_maintenance_date or e.last_maintenance_date < date
        )
        if later:
            later.last_maintenance_date = date

    def _plan_equipment_followups(self):
        """Plan the per-piece follow-ups (recurring maintenance reminders,
        warranty-end steps) of these pieces from their current dates; the open
        reminders of a date that moved are cancelled."""
        pieces = self.filtered(lambda e: e.order_id and e.order_id.state == "sale")
        if pieces:
            pieces.order_id._plan_equipment_followups(pieces)
