"""The e-mails of the follow-ups: the steps' e-mails (on the order) and the
rating requests and reminders (on the follow-up), each template rendered once
for a batch, one e-mail failing to render costing its follow-up only."""

from odoo import models

from .ir_qweb import QWEB_BATCH_CACHE_KEY, QwebBatchCache

EMAIL_LAYOUT = "mail.mail_notification_light"


class ServiceFollowup(models.Model):
    _inherit = "service.followup"

    def _send_step_mails(self):
        """Send the step e-mails of these (mailable) follow-ups, on their order.

        :return: the follow-ups whose e-mail failed to render (marked failed)
        """
        failed = self.browse()
        with_mail = self.filtered(lambda f: f.step_id.send_mail and not f.mail_message_id)
        for template, followups in with_mail.grouped(lambda f: f.step_id.mail_template_id).items():
            mails, unrendered = followups._send_template_mails(template, lambda f: f.order_id.id)
            failed |= unrendered
            for followup in (followups - unrendered)._workflow():
                followup.mail_message_id = mails[followup.order_id.id].mail_message_id
        return failed

    def _send_rating_requests(self):
        """E-mail the rating requests (or reminders) of these follow-ups: the
        step's rating template with Odoo's rating links, logged on the
        follow-up, in the layout Odoo's ``rating_send_request`` uses.

        Odoo's ``rating_send_request`` posts a message per record, a mail
        composer each, about 34 a second (``make bench``); sent as the steps'
        e-mails are, in a batch per template, the customer receives the same.

        :return: the follow-ups whose request failed to render (marked failed)
        """
        self._create_rating_tokens()
        failed = self.browse()
        for template, followups in self.grouped(lambda f: f.step_id.rating_template_id).items():
            failed |= followups._send_template_mails(template, lambda f: f.id)[1]
        return failed

    def _get_customer_mail_heading(self):
        """The heading of the layout of this follow-up's e-mails, as the
        customer reads it ("Your order S00042" over the step's title for the
        customer), in place of Odoo's model description and record name."""
        self.ensure_one()
        return {
            "model_description": self.env._("order %(order)s", order=self.order_id.name),
            "record_name": self.step_id.customer_title or self.env._("How satisfied are you?"),
        }

    def _create_rating_tokens(self):
        """The rating (with its access token) each request links to, created
        for the batch at once: the template's ``_rating_get_access_token``
        then finds it, where it would create one per e-mail while rendering.
        An unanswered rating of the customer is used again (a reminder)."""
        model_id = self.env["ir.model"]._get_id(self._name)
        missing = self.filtered(
            lambda f: (
                not any(
                    rating.partner_id == f._rating_get_partner() and not rating.consumed
                    for rating in f.sudo().rating_ids
                )
            )
        )
        self.env["rating.rating"].sudo().create(
            [
                {
                    "partner_id": followup._rating_get_partner().id,
                    "rated_partner_id": followup._rating_get_operator().id,
                    "res_model_id": model_id,
                    "res_id": followup.id,
                    "is_internal": False,
                }
                for followup in missing
            ]
        )

    def _send_template_mails(self, template, get_record_id):
        """Send ``template`` for these follow-ups, once per record of its model
        (``get_record_id(followup)``: their order, or themselves), the template
        compiled once for them (``ir.qweb``), queued for the mail queue (which
        runs after this transaction).

        :return: ({record id: mail.mail}, the follow-ups whose e-mail failed to
            render), the latter marked failed with the reason and their e-mails
            (``mail.render.mixin._render_template``) discarded, never sent
        """
        res_ids = list(dict.fromkeys(get_record_id(followup) for followup in self))
        batch_cache = QwebBatchCache()
        mails = template.with_context(**{QWEB_BATCH_CACHE_KEY: batch_cache}).send_mail_batch(
            res_ids, email_layout_xmlid=EMAIL_LAYOUT
        )
        by_record = dict(zip(res_ids, mails, strict=True))  # created in their order
        errors = {}
        for res_id, mail in list(by_record.items()):
            error = batch_cache.render_errors.get((template.model, res_id))
            if error:
                errors[res_id] = error
                mail.mail_message_id.unlink()
                del by_record[res_id]
        unrendered = self.filtered(lambda followup: get_record_id(followup) in errors)
        for followup in unrendered:
            error = errors[get_record_id(followup)]
            followup._mark_failed(followup._get_failure_reason(error, template=template))
        return by_record, unrendered
