"""Follow-up plans and the customers' service health (res_partner_health.py):
a plan for customers of a health at least or below a score, and a stop
condition that keeps commercial e-mails (gifts, offers) from customers at
risk."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .res_partner_health import HEALTH_DIRTY_KEY

HEALTH_CONDITIONS = [("at_least", "Health at least"), ("below", "Health below")]


class ServiceFollowupPlan(models.Model):
    _inherit = "service.followup.plan"

    health_condition = fields.Selection(
        HEALTH_CONDITIONS,
        string="Customer Health",
        help="Only customers whose service health, when the plan applies, is at least (or "
        "below) the score beside. Leave empty for every customer.",
    )
    health_score_limit = fields.Integer(string="Health Score", default=50)
    health_stop_commercial = fields.Boolean(
        string="No Commercial E-mail While at Risk",
        help="The plan's gift and offer steps are skipped, saying why, while the customer "
        "is at risk (his health is below the company's threshold): care first, selling later.",
    )

    @api.constrains("health_score_limit")
    def _check_health_score_limit(self):
        for plan in self:
            if not 0 <= plan.health_score_limit <= 100:
                raise ValidationError(
                    self.env._("Plan '%(plan)s': a health score is from 0 to 100.", plan=plan.name)
                )

    def _filter_orders(self, orders):
        orders = super()._filter_orders(orders)
        if not self.health_condition or not orders:
            return orders
        scores = orders.partner_id.commercial_partner_id._get_current_health_scores()
        limit = self.health_score_limit
        if self.health_condition == "at_least":
            return orders.filtered(lambda o: scores[o.partner_id.commercial_partner_id.id] >= limit)
        return orders.filtered(lambda o: scores[o.partner_id.commercial_partner_id.id] < limit)


class ServiceFollowupPlanStep(models.Model):
    _inherit = "service.followup.plan.step"

    def _is_commercial(self):
        """Whether this step sells: a gift or an offer."""
        self.ensure_one()
        return bool(self.gift_program_id or self.offer_template_id)


class ServiceFollowup(models.Model):
    _inherit = "service.followup"

    def _skip_if_stopped(self):
        at_risk = self._skip_commercial_at_risk()
        return at_risk | super(ServiceFollowup, self - at_risk)._skip_if_stopped()

    def _skip_commercial_at_risk(self):
        """Skip, saying why, the gift and offer steps of plans that stop them
        for customers at risk. Returns them."""
        commercial = self.filtered(
            lambda f: f.plan_id.health_stop_commercial and f.step_id._is_commercial()
        )
        if not commercial:
            return self.browse()
        entities = commercial.commercial_partner_id.sudo()
        states = dict(zip(entities.ids, entities.mapped("service_health_state"), strict=True))
        skipped = commercial.filtered(lambda f: states[f.commercial_partner_id.id] == "at_risk")
        for followup in skipped:
            followup._workflow().write(
                {
                    "state": "skipped",
                    "failure_reason": self.env._(
                        "Skipped: %(customer)s is at risk (service health %(score)s): no "
                        "commercial e-mail until he recovers.",
                        customer=followup.partner_id.display_name,
                        score=followup.commercial_partner_id.sudo().service_health_score,
                    ),
                    "retry_date": False,
                }
            )
        return skipped


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _get_current_health_scores(self):
        """{entity id: score} of these customer entities, recomputed first for
        those never computed or changed in this transaction (in one batch)."""
        entities = self.sudo()
        dirty = self.env.cr.postcommit.data.get(HEALTH_DIRTY_KEY, set())
        stale = entities.filtered(lambda p: p.id in dirty or not p.service_health_date)
        if stale:
            self.env.flush_all()
            stale._compute_service_health()
            dirty.difference_update(stale.ids)
        return dict(zip(entities.ids, entities.mapped("service_health_score"), strict=True))
