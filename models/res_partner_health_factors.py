"""The factors of the customers' service health (res_partner_health.py):
each reads, in one or two grouped queries for a whole batch of customer
entities, what moves the score, and says it in words."""

from datetime import timedelta

from odoo import models
from odoo.tools import SQL, format_date

from .service_followup import OPEN_STATES
from .service_followup_gift import HAPPY_SCORE
from .service_history_case import OPEN_CASE_STATES

# A factor counted per item (complaint, follow-up, piece) counts three at most.
MAX_COUNTED = 3


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _get_health_factors(self):
        """The factors of the score: for each code, the method
        ``_get_health_factor_<code>(company, today)`` returns {partner id:
        (points, words)} for these customers (a batch) in one or two grouped
        queries. Override to add one."""
        return ["rating", "complaint", "followup", "maintenance", "warranty", "contact", "repeat"]

    def _get_health_factor_rating(self, company, today):
        """The customer's last rating of the period: happy adds, unhappy takes."""
        since = today - timedelta(days=company.health_rating_days)
        self.env["service.history"].flush_model(["commercial_partner_id", "satisfaction", "date"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (commercial_partner_id) commercial_partner_id, satisfaction, date
                  FROM service_history
                 WHERE commercial_partner_id = ANY(%s) AND satisfaction != '0' AND date >= %s
                 ORDER BY commercial_partner_id, date DESC, id DESC
                """,
                self.ids,
                since,
            )
        )
        unhappy_at = int(company.complaint_threshold or 0)
        result = {}
        for pid, satisfaction, date in self.env.cr.fetchall():
            when = format_date(self.env, date)
            if int(satisfaction) >= HAPPY_SCORE:
                words = self.env._("happy rating on %(date)s", date=when)
                result[pid] = (company.health_happy_weight, words)
            elif int(satisfaction) <= unhappy_at:
                words = self.env._("unhappy rating on %(date)s", date=when)
                result[pid] = (-company.health_unhappy_weight, words)
        return result

    def _get_health_factor_complaint(self, company, today):
        """Open complaints, three at most; the oldest's age counts too."""
        groups = self.env["service.history"]._read_group(
            [
                ("commercial_partner_id", "in", self.ids),
                ("type_id.code", "=", "complaint"),
                ("case_state", "in", OPEN_CASE_STATES),
            ],
            ["commercial_partner_id"],
            ["__count", "date:min"],
        )
        result = {}
        for partner, count, oldest in groups:
            days = (today - oldest.date()).days
            if count == 1 and days < 2:
                words = (
                    self.env._("complaint opened today")
                    if days < 1
                    else self.env._("complaint opened yesterday")
                )
            elif count == 1:
                words = self.env._("complaint open for %(days)s days", days=days)
            else:
                words = self.env._(
                    "%(count)s complaints open, the oldest for %(days)s days",
                    count=count,
                    days=days,
                )
            points = -company.health_complaint_weight * min(count, MAX_COUNTED)
            if days > company.health_complaint_late_days:
                points -= company.health_complaint_late_weight
            result[partner.id] = (points, words)
        return result

    def _get_health_factor_followup(self, company, today):
        """Follow-ups failed, or still open past their date."""
        groups = self.env["service.followup"]._read_group(
            [
                ("commercial_partner_id", "in", self.ids),
                ("state", "in", OPEN_STATES),
                "|",
                ("state", "=", "failed"),
                ("planned_date", "<", today),
            ],
            ["commercial_partner_id"],
            ["__count"],
        )
        return {
            partner.id: (
                -company.health_followup_weight * min(count, MAX_COUNTED),
                self.env._("%(count)s follow-ups failed or overdue", count=count)
                if count > 1
                else self.env._("a follow-up failed or overdue"),
            )
            for partner, count in groups
        }

    def _get_health_factor_maintenance(self, company, today):
        """Pieces in service whose maintenance date passed."""
        groups = self.env["service.equipment"]._read_group(
            [
                ("commercial_partner_id", "in", self.ids),
                ("state", "=", "in_service"),
                ("next_maintenance_date", "<", today),
            ],
            ["commercial_partner_id"],
            ["__count"],
        )
        return {
            partner.id: (
                -company.health_maintenance_weight * min(count, MAX_COUNTED),
                self.env._("maintenance overdue on %(count)s pieces", count=count)
                if count > 1
                else self.env._("maintenance overdue on a piece"),
            )
            for partner, count in groups
        }

    def _get_health_factor_warranty(self, company, today):
        """Pieces whose warranty ended in the period and for which no offer
        (a quotation line for the piece, not cancelled) was made: a warranty
        extended ends later, and does not count."""
        since = today - timedelta(days=company.health_warranty_days)
        self.env["service.equipment"].flush_model(
            ["commercial_partner_id", "state", "warranty_end"]
        )
        self.env["sale.order.line"].flush_model(["service_equipment_id", "order_id"])
        self.env["sale.order"].flush_model(["state"])
        self.env.cr.execute(
            SQL(
                """
                SELECT e.commercial_partner_id, COUNT(*)
                  FROM service_equipment e
                 WHERE e.commercial_partner_id = ANY(%s) AND e.state = 'in_service'
                   AND e.warranty_end >= %s AND e.warranty_end < %s
                   AND NOT EXISTS (
                       SELECT 1 FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id
                        WHERE l.service_equipment_id = e.id AND o.state != 'cancel')
                 GROUP BY e.commercial_partner_id
                """,
                self.ids,
                since,
                today,
            )
        )
        return {
            pid: (
                -company.health_warranty_weight,
                self.env._("warranty ended on %(count)s pieces with no offer", count=count)
                if count > 1
                else self.env._("warranty ended on a piece with no offer"),
            )
            for pid, count in self.env.cr.fetchall()
        }

    def _get_health_factor_contact(self, company, today):
        """No service contact (a sale, a call, a follow-up done...) for long."""
        last = dict(
            self.env["service.history"]._read_group(
                [("commercial_partner_id", "in", self.ids)],
                ["commercial_partner_id"],
                ["date:max"],
            )
        )
        result = {}
        for partner in self:
            date = last.get(partner)
            days = (today - date.date()).days if date else None
            if days is not None and days <= company.health_contact_days:
                continue
            words = (
                self.env._("no contact for %(days)s days", days=days)
                if days is not None
                else self.env._("no service contact yet")
            )
            result[partner.id] = (-company.health_contact_weight, words)
        return result

    def _get_health_factor_repeat(self, company, today):
        """More than one confirmed order: a customer who comes back."""
        self.env["sale.order"].flush_model(["partner_id", "state"])
        self.env.cr.execute(
            SQL(
                """
                SELECT c.commercial_partner_id, COUNT(*)
                  FROM sale_order o JOIN res_partner c ON c.id = o.partner_id
                 WHERE c.commercial_partner_id = ANY(%s) AND o.state = 'sale'
                 GROUP BY c.commercial_partner_id HAVING COUNT(*) > 1
                """,
                self.ids,
            )
        )
        return {
            pid: (
                company.health_repeat_weight,
                self.env._("%(count)s orders confirmed", count=count),
            )
            for pid, count in self.env.cr.fetchall()
        }
