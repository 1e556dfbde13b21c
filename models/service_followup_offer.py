"""The offer of a follow-up: when a step with a quotation template is carried
out, one draft quotation per customer for his pieces concerned (those due now
and those due within the step's window), a line per piece, e-mailed with
Odoo's own quotation e-mail and portal link, as *Send by E-mail* does."""

from datetime import timedelta

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

from .ir_qweb import QWEB_BATCH_CACHE_KEY, QwebBatchCache
from .service_followup_gift import ServiceFollowup as GiftFollowup

QUOTATION_EMAIL_LAYOUT = "mail.mail_notification_layout_with_responsible_signature"
# In the context while an after-sales offer is e-mailed (a commercial e-mail):
# see sale.order._notify_by_email_get_final_mail_values (sale_order_offer.py).
OFFER_MAIL_CONTEXT_KEY = "sale_after_sales_offer_mail"


class ServiceFollowup(models.Model):
    _inherit = "service.followup"
    _workflow_fields = (*GiftFollowup._workflow_fields, "offer_order_id")

    offer_order_id = fields.Many2one(
        "sale.order",
        string="Offer",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The quotation this follow-up made the customer (one for all his pieces due "
        "in the step's window).",
    )

    # === EXECUTION HOOKS (service_followup_execution.py) ===

    def _skip_if_stopped(self):
        skipped = super()._skip_if_stopped()
        for followup in (self - skipped).filtered(lambda f: f.step_id.offer_template_id):
            reason = followup._get_offer_skip_reason()
            if reason:
                followup._workflow().write(
                    {"state": "skipped", "failure_reason": reason, "retry_date": False}
                )
                skipped |= followup
        return skipped

    def _get_blocking_reason(self, memo=None):
        memo = {} if memo is None else memo
        reason = super()._get_blocking_reason(memo)
        step = self.step_id
        if reason or not step.offer_template_id:
            return reason
        if not self.partner_id.email:
            return self.env._(
                "The customer %(customer)s has no e-mail address: the offer cannot be sent.",
                customer=self.partner_id.display_name,
            )
        key = ("offer", step, self.company_id)
        if key not in memo:
            memo[key] = step._get_offer_error(self.company_id)
        if memo[key]:
            return memo[key]
        piece = self.equipment_id
        if not piece.warranty_end and step._offer_extends_warranty():
            return self.env._(
                "Step '%(step)s' offers to extend the warranty of %(piece)s, which has no "
                "warranty end: record when it went into service and its warranty, then retry "
                "the follow-up.",
                step=step.name,
                piece=piece.display_name,
            )
        return False

    def _execute(self):
        """Make the offers of these follow-ups, then carry out the rest of
        what their steps do (activities, e-mails) as any step."""
        offering = self.filtered(lambda f: f.step_id.offer_template_id)
        if not offering:
            return super()._execute()
        # Bundled into a quotation by an earlier part of this batch (a batch is
        # carried out in parts after a failure): done already.
        bundled = offering.filtered(lambda f: f.offer_order_id and f.state == "done")
        skipped = (offering - bundled)._make_offers()
        rest = self - bundled - skipped
        if rest:
            return super(ServiceFollowup, rest)._execute()
        return None

    def _get_offer_skip_reason(self):
        """Why this offer is not made at all (False when it may be): not about
        a piece, or a customer who does not want commercial e-mails."""
        self.ensure_one()
        customer = self.partner_id.display_name
        if not self.equipment_id:
            return self.env._(
                "Skipped: the offer is made for pieces of equipment, and %(order)s has none.",
                order=self.order_id.name,
            )
        if self.partner_id.email and not self._can_email_customer():
            return self.env._(
                "Skipped: %(customer)s does not want our e-mails (%(reason)s): no offer.",
                customer=customer,
                reason=self._get_no_email_reason(),
            )
        return False

    # === MAKING THE OFFERS ===

    def _make_offers(self):
        """One quotation per customer entity, step and company for these due
        follow-ups, with his other pieces planned for the same step within its
        window, a line per piece and template line; created in one batch and
        e-mailed. A piece with an open offer already is never offered twice:
        its follow-up is skipped, naming the quotation.

        :return: the follow-ups skipped
        """
        if not self:
            return self.browse()
        today = fields.Date.context_today(self)
        candidates = self._lock_offer_bundle_candidates(today)
        open_lines = (self.equipment_id | candidates.equipment_id)._get_open_offer_lines()
        # {piece: its open quotation, or the index of the one made below}
        offered = {line.service_equipment_id: line.order_id for line in open_lines}
        groups, covered = [], []
        by_key = self.grouped(lambda f: (f.commercial_partner_id, f.step_id, f.company_id))
        for (partner, step, company), due in by_key.items():
            taken = due.filtered(lambda f: f.equipment_id in offered)
            covered += [(followup, offered[followup.equipment_id]) for followup in taken]
            due -= taken
            if not due:
                continue
            limit = today + timedelta(days=step.offer_window_days)
            bundled = candidates.filtered(
                lambda f, p=partner, s=step, c=company, limit=limit: (
                    (f.commercial_partner_id, f.step_id, f.company_id) == (p, s, c)
                    and f.planned_date <= limit
                    and f.equipment_id not in offered
                    and f._is_offer_piece_ready()
                )
            )
            candidates -= bundled
            pieces = (due | bundled).equipment_id  # in their order, each once
            for piece in pieces:
                offered[piece] = len(groups)
            groups.append((due, bundled, pieces))
        orders = (
            self.env["sale.order"]
            .sudo()
            .with_context(mail_create_nosubscribe=True)
            .create(
                [due._prepare_offer_order_vals(pieces, bundled) for due, bundled, pieces in groups]
            )
        )
        now = fields.Datetime.now()
        for (due, bundled, _pieces), order in zip(groups, orders, strict=True):
            (due | bundled)._workflow().write({"offer_order_id": order.id})
        bundled_all = self.browse().concat(*(bundled for _due, bundled, _pieces in groups))
        bundled_all._workflow().write(
            {
                "state": "done",
                "done_date": now,
                "done_by_id": self.env.user.id,
                "retry_date": False,
                "failure_reason": False,
            }
        )
        skipped = self.browse()
        for followup, order in covered:
            order = orders[order] if isinstance(order, int) else order
            followup._workflow().write(
                {
                    "state": "skipped",
                    "retry_date": False,
                    "failure_reason": self.env._(
                        "Skipped: %(piece)s is offered on %(order)s already, not answered yet.",
                        piece=followup.equipment_id.display_name,
                        order=order.name,
                    ),
                }
            )
            skipped |= followup
        self._send_offer_mails(orders)
        return skipped

    def _lock_offer_bundle_candidates(self, today):
        """The planned follow-ups of these steps and customers that an offer
        made now may include (within the widest window of the steps), locked
        (``FOR UPDATE SKIP LOCKED``): a run carrying them out at the same time
        keeps them, and they are not offered twice."""
        steps = self.step_id
        domain = (
            Domain("state", "=", "planned")
            & Domain("step_id", "in", steps.ids)
            & Domain("commercial_partner_id", "in", self.commercial_partner_id.ids)
            & Domain(
                "planned_date", "<=", today + timedelta(days=max(steps.mapped("offer_window_days")))
            )
            & Domain("id", "not in", self.ids)
            & Domain("offer_order_id", "=", False)
            & Domain("equipment_id", "!=", False)
        )
        query = self._search(domain, order="planned_date, id")
        self.env.cr.execute(SQL("%s FOR UPDATE SKIP LOCKED", query.select()))
        return self.browse(row[0] for row in self.env.cr.fetchall())

    def _is_offer_piece_ready(self):
        """Whether this follow-up's piece can be offered its step's quotation."""
        self.ensure_one()
        piece = self.equipment_id
        return (
            piece.state == "in_service"
            and self.order_id.state == "sale"
            and (piece.warranty_end or not self.step_id._offer_extends_warranty())
        )

    def _send_offer_mails(self, orders):
        """E-mail these quotations as *Send by E-mail* does: the template Odoo
        picks for them (``_find_mail_template``), with the portal button of the
        quotation e-mails, marking them sent; queued for the mail queue. The
        customer's copy carries the unsubscribe headers (sale_order_offer.py).
        The template is compiled once for the batch."""
        templates = {order: order._find_mail_template() for order in orders}
        if not all(templates.values()):
            raise UserError(
                self.env._(
                    "The quotation e-mail template of Sales is missing: restore "
                    "'Sales: Send Quotation' (Settings → Technical → E-mail Templates)."
                )
            )
        # The template compiled once for the batch (ir_qweb.py); a quotation
        # whose e-mail fails to render fails the batch (tried again in parts).
        batch_cache = QwebBatchCache()
        for order in orders:
            order.with_context(
                mark_so_as_sent=True,
                **{OFFER_MAIL_CONTEXT_KEY: True, QWEB_BATCH_CACHE_KEY: batch_cache},
            ).message_post_with_source(
                templates[order],
                email_layout_xmlid=QUOTATION_EMAIL_LAYOUT,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                author_id=(order.user_id.partner_id or order.company_id.partner_id).id,
                force_send=False,
            )
            if batch_cache.render_errors:
                raise next(iter(batch_cache.render_errors.values()))

    def _prepare_offer_order_vals(self, pieces, bundled):
        """The quotation answering these due follow-ups (of one customer entity,
        step and company) and the ``bundled`` ones, for ``pieces``. The
        salesperson of the original order (or the plan's responsible); Odoo
        computes the pricelist, fiscal position, validity, signature and
        payment from the customer and the template."""
        first = self[0]
        step, company = first.step_id, first.company_id
        candidates = (first.order_id.user_id, first.plan_id.user_id)
        salesperson = next((u for u in candidates if step._is_valid_assignee(u, company)), None)
        template = step.offer_template_id.with_context(lang=first.partner_id.lang)
        vals = {
            "partner_id": first.partner_id.id,
            "company_id": company.id,
            "sale_order_template_id": template.id,
            "is_after_sales_offer": True,
            "origin": ", ".join(dict.fromkeys((self | bundled).order_id.mapped("name"))),
            "order_line": [
                Command.create(line_vals)
                for line_vals in first._prepare_offer_line_vals(template, pieces)
            ],
        }
        if salesperson:
            vals["user_id"] = salesperson.id
        return vals

    def _prepare_offer_line_vals(self, template, pieces):
        """The template's lines (Odoo's ``_prepare_order_line_values``) once
        per piece, each for its piece and naming it."""
        vals_list = []
        for index, piece in enumerate(pieces):
            for sequence, template_line in enumerate(template.sale_order_template_line_ids):
                vals = template_line._prepare_order_line_values()
                vals.update(service_equipment_id=piece.id, sequence=index * 1000 + sequence)
                if vals.get("display_type") in ("line_section", "line_subsection"):
                    vals["name"] = f"{vals.get('name') or ''} – {piece.display_name}".strip(" –")
                elif vals.get("name") and not vals.get("display_type"):
                    vals["name"] = self.env._(
                        "%(description)s\nFor: %(piece)s",
                        description=vals["name"],
                        piece=piece.display_name,
                    )
                vals_list.append(vals)
        return vals_list
